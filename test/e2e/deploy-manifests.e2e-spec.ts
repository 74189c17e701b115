import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse } from 'yaml';
import { PLUGIN_KINDS } from '../../src/plugins';
import { SERVICE_DEFINITIONS } from '../../src/services';
import { describeServices, ServiceDefinition } from '../../src/toolkit/runtime';
import { loadServiceConfig } from '../../src/toolkit/runtime/service-config';

// kubectl and Docker are not available here: the manifests are checked as data against the
// same declarations `--help` prints, and the Dockerfile against the rules the README states.
const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const K8S = join(ROOT, 'deploy', 'k8s');

/** Read by main.ts and the plugins directly, not declared per service. */
const PROCESS_VARIABLES = ['NODE_ENV', 'SERVICES', 'TOOLKIT_ALLOW_EMBEDDED'];
const PRE_STOP_SLEEP_SECONDS = 5;

type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string } };

interface ContainerPort {
  name: string;
  containerPort: number;
}
interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface HttpProbe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  image: string;
  ports: ContainerPort[];
  env?: EnvEntry[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe: HttpProbe;
  livenessProbe: HttpProbe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}

function loadManifests(): Manifest[] {
  const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((document) => {
      expect(document.errors).toEqual([]);
      return document.toJS() as Manifest;
    }),
  );
}

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find(
    (manifest) => manifest.kind === kind && manifest.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
}

function podSpec(deployment: Manifest): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

function configMapData(manifests: Manifest[], name: string): Record<string, string> {
  return (find(manifests, 'ConfigMap', name) as unknown as { data: Record<string, string> }).data;
}

/** The environment a pod of `definition` gets, secrets replaced by placeholders. */
function podEnvironment(manifests: Manifest[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMapData(manifests, source.configMapRef.name));
  }
  for (const entry of container.env ?? []) {
    env[entry.name] = entry.value ?? 'secret-placeholder-value-with-at-least-32-bytes';
  }
  return env;
}

describe('deploy/k8s manifests', () => {
  const manifests = loadManifests();

  it('lists every file of deploy/k8s in kustomization.yaml, with no Secret values committed', () => {
    const files = readdirSync(K8S).filter((file) => file !== 'kustomization.yaml');
    const { resources } = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect([...resources].sort()).toEqual(files.sort());
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
  });

  describe.each(SERVICE_DEFINITIONS.map((definition) => [definition.name, definition] as const))(
    '%s',
    (name: string, definition: ServiceDefinition) => {
      const deployment = find(manifests, 'Deployment', name);
      const spec = podSpec(deployment);
      const [container] = spec.containers;
      const env = podEnvironment(manifests, container);
      const hasGrpc = definition.descriptor.servers.includes('GRPC');

      it('runs this service alone, in production mode, from the toolkit image, as non-root', () => {
        expect(spec.containers).toHaveLength(1);
        expect(env.SERVICES).toBe(name);
        expect(env.NODE_ENV).toBe('production');
        expect(env.TOOLKIT_ALLOW_EMBEDDED).toBeUndefined();
        expect(container.image).toBe('nest-proto-toolkit');
        expect(spec.securityContext?.runAsNonRoot).toBe(true);
        expect(container.resources?.requests).toBeDefined();
        expect(container.resources?.limits?.memory).toBeDefined();
      });

      it('exposes the default ports of <PREFIX>_SERVER_PORT and <PREFIX>_GRPC_SERVER_PORT, through its Service', () => {
        const expected = [{ name: 'http', containerPort: definition.defaultHttpPort }];
        if (hasGrpc) expected.push({ name: 'grpc', containerPort: definition.defaultGrpcPort });
        expect(container.ports).toEqual(expected);
        expect(env[`${definition.envPrefix}_SERVER_PORT`]).toBeUndefined();
        expect(env[`${definition.envPrefix}_GRPC_SERVER_PORT`]).toBeUndefined();
        const service = find(manifests, 'Service', name) as unknown as {
          spec: {
            selector: Record<string, string>;
            ports: { name: string; port: number; targetPort: string }[];
          };
        };
        const labels = (deployment.spec as { template: { metadata: { labels: object } } }).template
          .metadata.labels;
        expect(labels).toMatchObject(service.spec.selector);
        expect(service.spec.ports).toEqual(
          expected.map((port) => ({
            name: port.name,
            port: port.containerPort,
            targetPort: port.name,
          })),
        );
      });

      it('probes readiness and liveness on the HTTP port', () => {
        expect(container.readinessProbe.httpGet).toEqual({
          path: '/_healthz/readiness',
          port: 'http',
        });
        expect(container.livenessProbe.httpGet).toEqual({
          path: '/_healthz/liveness',
          port: 'http',
        });
      });

      it('only sets variables that --help declares for this service, and they validate in production', () => {
        const [described] = describeServices([definition], PLUGIN_KINDS);
        const declared = new Set([...described.rows.map((row) => row.name), ...PROCESS_VARIABLES]);
        expect(Object.keys(env).filter((variable) => !declared.has(variable))).toEqual([]);
        // Every plugin has a real backend (the production guard would throw otherwise) and
        // every value parses.
        const loaded = loadServiceConfig(definition, env, PLUGIN_KINDS);
        expect(() => loaded.loader.assertValid()).not.toThrow();
      });

      it('takes secrets from its own Secret by reference', () => {
        const references = (container.env ?? []).map((entry) => entry.valueFrom?.secretKeyRef);
        expect(references.length).toBeGreaterThan(0);
        for (const [index, reference] of references.entries()) {
          expect(reference).toEqual({
            name: `${name}-secrets`,
            key: container.env?.[index].name,
            optional: true,
          });
        }
      });

      it('lets the drain finish: grace period > preStop sleep + <PREFIX>_SHUTDOWN_GRACE_PERIOD', () => {
        expect(container.lifecycle?.preStop?.exec?.command).toEqual([
          'sleep',
          String(PRE_STOP_SLEEP_SECONDS),
        ]);
        const { runtime } = loadServiceConfig(definition, env, PLUGIN_KINDS);
        expect(spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
          PRE_STOP_SLEEP_SECONDS * 1000 + runtime.SHUTDOWN_GRACE_PERIOD,
        );
      });

      it('scales with an HPA on its Deployment', () => {
        const hpa = find(manifests, 'HorizontalPodAutoscaler', name) as unknown as {
          spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number };
        };
        expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      });
    },
  );

  it("points the gateway's resolver at the Kubernetes Services' gRPC and HTTP ports", () => {
    const env = podEnvironment(
      manifests,
      podSpec(find(manifests, 'Deployment', 'api-gateway')).containers[0],
    );
    const servicePort = (name: string, portName: string): string => {
      const service = find(manifests, 'Service', name) as unknown as {
        spec: { ports: { name: string; port: number }[] };
      };
      const port = service.spec.ports.find((candidate) => candidate.name === portName);
      return `${name}:${port?.port}`;
    };
    const backends = SERVICE_DEFINITIONS.filter(
      (definition) =>
        definition.name !== 'api-gateway' && definition.descriptor.servers.includes('GRPC'),
    ).map((definition) => definition.name);
    expect(backends.length).toBeGreaterThan(0);
    // gRPC through each backend's headless Service: the name resolves to every ready pod, so
    // the gateway balances over replicas and skips a dead one.
    expect(env.API_GATEWAY_RESOLVER_ENDPOINTS.split(',').sort()).toEqual(
      backends.map((name) => `${name}=${servicePort(`${name}-grpc`, 'grpc')}`).sort(),
    );
    for (const name of backends) {
      const headless = find(manifests, 'Service', `${name}-grpc`) as unknown as {
        spec: { clusterIP?: string; selector: Record<string, string> };
      };
      expect(headless.spec.clusterIP).toBe('None');
      expect(headless.spec.selector).toEqual(
        (find(manifests, 'Service', name) as unknown as typeof headless).spec.selector,
      );
    }
    expect(env.API_GATEWAY_RESOLVER_HTTP_ENDPOINTS).toBe(
      `chat-service=${servicePort('chat-service', 'http')}`,
    );
  });
});

interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
}
interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress: { from?: PolicyPeer[]; ports?: { port: string | number }[] }[];
}

describe('deploy/k8s NetworkPolicies', () => {
  const manifests = loadManifests();
  const GATEWAY = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-gateway' } } };
  const backends = SERVICE_DEFINITIONS.filter(
    (definition) =>
      definition.name !== 'api-gateway' && definition.descriptor.servers.includes('GRPC'),
  ).map((definition) => definition.name);

  it('labels the gateway pods as its policies expect', () => {
    const gateway = find(manifests, 'Deployment', 'api-gateway');
    const labels = (gateway.spec as { template: { metadata: { labels: object } } }).template
      .metadata.labels;
    expect(labels).toMatchObject(GATEWAY.podSelector.matchLabels);
  });

  it.each(backends)(
    '%s: only the gateway reaches the gRPC port; nothing reaches the pods without a rule',
    (name) => {
      const deployment = find(manifests, 'Deployment', name);
      const labels = (
        deployment.spec as { template: { metadata: { labels: Record<string, string> } } }
      ).template.metadata.labels;
      const policies = manifests
        .filter((manifest) => manifest.kind === 'NetworkPolicy')
        .map((manifest) => manifest.spec as NetworkPolicySpec)
        .filter((spec) =>
          Object.entries(spec.podSelector.matchLabels).every(
            ([key, value]) => labels[key] === value,
          ),
        );
      expect(policies).toHaveLength(1);
      const [policy] = policies;
      // Selecting the pods with an Ingress policy denies every source no rule allows.
      expect(policy.policyTypes).toContain('Ingress');
      for (const rule of policy.ingress) {
        // No rule opens a port to every source, and none opens every port.
        expect(rule.from?.length).toBeGreaterThan(0);
        expect(rule.ports?.length).toBeGreaterThan(0);
        if (rule.ports?.some((port) => port.port === 'grpc')) {
          expect(rule.from).toEqual([GATEWAY]);
        }
        // Sources other than the gateway pods (monitoring) get the HTTP port at most.
        if (JSON.stringify(rule.from) !== JSON.stringify([GATEWAY])) {
          expect(rule.ports).toEqual([{ port: 'http' }]);
          for (const peer of rule.from ?? []) {
            expect(peer.namespaceSelector?.matchLabels).toBeDefined();
            expect(peer.podSelector?.matchLabels).toBeDefined();
          }
        }
      }
      expect(policy.ingress.some((rule) => rule.ports?.some((port) => port.port === 'grpc'))).toBe(
        true,
      );
    },
  );

  it.each(SERVICE_DEFINITIONS.map((definition) => [definition.name, definition] as const))(
    '%s: takes the caller-token key from its Secret, so production never runs on the development key',
    (name, definition) => {
      const [container] = podSpec(find(manifests, 'Deployment', name)).containers;
      const variable = `${definition.envPrefix}_INTERNAL_AUTH_SECRET`;
      expect(
        container.env?.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef,
      ).toEqual({ name: `${name}-secrets`, key: variable, optional: true });
    },
  );
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');

  it('builds with dev dependencies and runs with production ones only, as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci --ignore-scripts$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('ships the .proto files the gRPC loader reads at run time', () => {
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtimeStage).toMatch(/^COPY proto \.\/proto$/m);
  });

  it('has a HEALTHCHECK script that passes on a 200 liveness and fails otherwise', async () => {
    expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\\\n\s+CMD \["node", "deploy\/healthcheck\.js"\]/);
    let status = 200;
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.statusCode = status;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const check = () =>
      run(process.execPath, [join(ROOT, 'deploy', 'healthcheck.js')], {
        env: {
          PATH: process.env.PATH,
          SERVICES: 'user-service',
          USER_SERVICE_SERVER_PORT: String(port),
        },
      });
    try {
      await expect(check()).resolves.toBeDefined();
      status = 503;
      await expect(check()).rejects.toMatchObject({ code: 1 });
      expect(paths).toEqual(['/_healthz/liveness', '/_healthz/liveness']);
    } finally {
      server.close();
    }
  });
});
