// Open311 GeoReport v2 on the work orders (issue 14): client applications' keys and the JSON routes.
export { activeKey, KEY_MANAGERS, KEY_SERVICE, keyRoutes, keyService, KeyIssued, KeyRevoked, levelKeyHashes, type KeyHashes } from "./keys.js";
export { addressIdOf, MAX_RANGE_DAYS, MAX_REQUESTS, OPEN311_PREFIX, open311ErrorShape, open311Routes, type Open311Deps, type Places } from "./routes.js";
