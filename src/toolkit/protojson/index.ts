export { ProtoJsonError } from './protojson-error';
export { decodeJson, MAX_DEPTH } from './decode';
export { encodeJson } from './encode';
export { applyPathAndQuery } from './path-query';
