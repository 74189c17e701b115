// Docker HEALTHCHECK: GET /_healthz/liveness on the HTTP port of every service this container
// runs (SERVICES, default all); exit 0 only if each answers 200. No dependencies: plain Node.
'use strict';

const { get } = require('node:http');

const DEFAULT_HTTP_PORTS = {
  'api-gateway': 8080,
  'user-service': 8081,
  'notification-service': 8082,
  'chat-service': 8083,
};

function httpPort(service) {
  const variable = `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_SERVER_PORT`;
  return Number(process.env[variable] || DEFAULT_HTTP_PORTS[service]);
}

function live(service) {
  const url = `http://127.0.0.1:${httpPort(service)}/_healthz/liveness`;
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: 2000 }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new Error(`${service}: liveness answered ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(new Error(`${service}: liveness timed out`)));
    request.on('error', reject);
  });
}

const wanted = (process.env.SERVICES || '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name.length > 0);
const services = wanted.length > 0 ? wanted : Object.keys(DEFAULT_HTTP_PORTS);

Promise.all(services.map(live)).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
