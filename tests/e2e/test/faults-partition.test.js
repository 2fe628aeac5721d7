'use strict';

// Partition under load: three nodes, each in a network namespace of its own (lib/netns.js), nginx and the clients
// in the root namespace, a steady stream of sequenced events through nginx. One node's link goes down: it is cut
// off from the other nodes and from nginx. The majority (two nodes) removes it after failure-timeout + down-after;
// the victim downs itself and exits with 75; its clients notice at their next ping and reconnect through nginx to
// the majority. The test restarts the victim while it is still cut off, as supervisord would, then heals the link:
// the victim rejoins the same cluster (three members Up on every node), presence is exact everywhere, and the
// ledger shows no loss, no duplicates and order per accepting node throughout (lib/partition-scenario.js).
//
// The victim is never node0, the first seed: with static seeds a first seed that restarts while cut off starts a
// cluster of its own (Akka's seed-node rule), and after healing there would be two clusters. Cutting off the node
// a new cluster could form around is covered by test/faults-partition-bootstrap.test.js, on a cluster without seeds
// (cluster bootstrap); this suite cuts off a node that is not the first seed.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useCluster, CLUSTER_CONFIG } = require('../lib/cluster');
const { NetnsTopology } = require('../lib/netns');
const { runPartitionScenario } = require('../lib/partition-scenario');

describe('faults: a node cut off by a network partition under a steady stream of events, then healed', () => {
  const topology = new NetnsTopology({ size: 3 });
  const h = useCluster({ topology, config: CLUSTER_CONFIG });

  h.test('majority removes it, it stops (75), clients move; restarted and healed it rejoins one cluster; no loss, no duplicates, presence exact', async (t) => {
    await runPartitionScenario(t, h, topology, {
      chooseVictim: (perNode) => {
        const victim = perNode[2] > 0 ? 2 : 1;
        assert.notEqual(victim, 0, 'never the first seed');
        return victim;
      },
      victimNote: 'not the first seed',
    });
  }, { timeout: 120000 });
});
