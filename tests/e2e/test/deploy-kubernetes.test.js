'use strict';

// The Kubernetes example manifests (deploy/kubernetes/broadcaster.yaml), parsed: the pod's environment and args are
// fed to the real `check` command (references to the pod IP and the app Secret filled with sample values), and the
// Services, probes, rollout and disruption budget are checked against the ports and discovery the node runs with.

const { describe, before, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');

const { dllPath } = require('../lib/server');
const d = require('../lib/deploy-files');

const { node, asCheck, checkJson, documentedEnv } = d;

describe('deploy/kubernetes/broadcaster.yaml', () => {
  const POD_IP = '10.1.2.3';
  const refs = { 'status.podIP': POD_IP, 'broadcaster-app/id': 'pixelfed', 'broadcaster-app/key': 'pf-key', 'broadcaster-app/secret': 's3cret' };
  let docs;
  let deployment;
  let container;
  let docker;

  before(() => {
    assert.ok(fs.existsSync(dllPath()), `build first: ${dllPath()}`);
    docker = d.readDockerfile();
    docs = d.readYamlDocuments(d.repoFile('deploy', 'kubernetes', 'broadcaster.yaml'));
    deployment = docs.find((x) => x.kind === 'Deployment');
    container = deployment.spec.template.spec.containers[0];
  });

  const portOf = (name) => container.ports.find((p) => p.name === name).containerPort;

  it('the pod\'s environment and args are a configuration `check` accepts: dns discovery of the headless Service, as many contact points as replicas', () => {
    assert.deepEqual(docs.map((x) => x.kind).sort(), ['Deployment', 'PodDisruptionBudget', 'Service', 'Service']);
    const env = d.containerEnvironment(container, refs);
    const unknown = Object.keys(env).filter((k) => !documentedEnv().has(k));
    assert.deepEqual(unknown, [], 'environment variables the node does not document in --help');
    const summary = checkJson(node(asCheck([...docker.ENTRYPOINT, ...container.args]), env), 'the pod');
    const headless = docs.find((x) => x.kind === 'Service' && x.spec.clusterIP === 'None');
    assert.ok(headless, 'a headless Service');
    assert.deepEqual(
      {
        port: summary.server.port,
        host: summary.server.host,
        clusterPort: summary.cluster.port,
        hostname: summary.cluster.hostname,
        publicHostname: summary.cluster.publicHostname,
        seeds: summary.cluster.seeds,
        method: summary.cluster.discovery.method,
        serviceName: summary.cluster.discovery.serviceName,
        required: summary.cluster.discovery.requiredContactPoints,
        managementPort: summary.cluster.discovery.managementPort,
        apps: summary.apps.map((a) => [a.id, a.key]),
      },
      {
        port: portOf('http'),
        host: '0.0.0.0',
        clusterPort: portOf('cluster'),
        hostname: '0.0.0.0',
        publicHostname: POD_IP,
        seeds: [],
        method: 'dns',
        serviceName: headless.metadata.name,
        required: deployment.spec.replicas,
        managementPort: portOf('management'),
        apps: [['pixelfed', 'pf-key']],
      }
    );
    // Negative control: without the number of contact points the dns method is refused.
    const { BROADCASTER_DISCOVERY_REQUIRED_CONTACT_POINTS: _, ...without } = env;
    const refused = node(asCheck([...docker.ENTRYPOINT, ...container.args]), without);
    assert.equal(refused.code, 2, `dns without required contact points must be refused: ${refused.stdout}`);
    assert.match(refused.stderr, /required-contact-points/);
  });

  it('the headless Service lists every pod, ready or not, at the management port; probes, rollout and disruptions fit the cluster', () => {
    const labels = deployment.spec.template.metadata.labels;
    const matches = (selector) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const headless = docs.find((x) => x.kind === 'Service' && x.spec.clusterIP === 'None');
    // Readiness needs the cluster, so the pods must find each other before they are ready.
    assert.equal(headless.spec.publishNotReadyAddresses, true);
    assert.ok(matches(headless.spec.selector), 'the headless Service selects the pods');
    assert.deepEqual(headless.spec.ports.map((p) => [p.port, p.targetPort]), [[portOf('management'), 'management']]);
    const clients = docs.find((x) => x.kind === 'Service' && x !== headless);
    assert.ok(matches(clients.spec.selector));
    assert.deepEqual(clients.spec.ports.map((p) => p.targetPort), ['http']);
    assert.ok(matches(deployment.spec.selector.matchLabels));
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/ready', port: 'http' });
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/up', port: 'http' });
    assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0, 'a new pod is ready before an old one stops');
    const pdb = docs.find((x) => x.kind === 'PodDisruptionBudget');
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.ok(matches(pdb.spec.selector.matchLabels));
    assert.ok(deployment.spec.template.spec.terminationGracePeriodSeconds >= 10, 'time for a graceful stop');
    assert.deepEqual([...docker.EXPOSE].sort(), container.ports.map((p) => p.containerPort).sort(), 'the image exposes the pod\'s ports');
  });
});
