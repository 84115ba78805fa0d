import { Agent, buildConnector } from 'undici';
import type { SourcePolicy } from '../../security/source-policy.js';

/**
 * An HTTP agent whose every new connection asks the source policy where it may go: the host is
 * resolved (through the policy's resolver) and checked at connect time, and the socket is opened
 * to the checked address itself. A name that answered a public address when the URL was checked
 * and a private one a moment later (DNS rebinding) is therefore refused, not connected.
 */
export function guardedDispatcher(policy: SourcePolicy): Agent {
  const connect = buildConnector({});
  return new Agent({
    connect(options, callback) {
      const port = options.port || (options.protocol === 'https:' ? '443' : '80');
      policy.resolveForConnect(options.hostname, port).then(
        (addresses) => {
          const first = addresses[0];
          if (!first) {
            callback(new Error(`host ${options.hostname} has no address`), null);
            return;
          }
          // `host` keeps the name, so TLS still verifies the certificate against it (SNI).
          connect({ ...options, hostname: first.address }, callback);
        },
        (error: Error) => callback(error, null),
      );
    },
  });
}
