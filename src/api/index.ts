export { API_ROUTES, allRoutes, buildApiServer, openApi, type StartedApi, startApiServer } from './server.js';
