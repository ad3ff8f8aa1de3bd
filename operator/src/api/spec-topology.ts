import { z } from 'zod';
import { admit, formatted } from './admission-rules.js';
import { labelKey, labelValue } from './spec-common.js';

/** The seed's three availability zones, each with the node pool of the same name (as in dev/cluster). */
export const defaultZones = ['zone-a', 'zone-b', 'zone-c'].map((name) => ({ name, pool: name }));

const zone = admit(
  z.object({
    name: formatted(
      labelValue,
      'spec.topology.zones[].name',
      'The zone, as the value of zoneLabelKey on its nodes.',
    ),
    pool: formatted(
      labelValue,
      'spec.topology.zones[].pool',
      "The value of poolLabelKey on this zone's node pool; omit it to select nodes by zone alone.",
    ).optional(),
  }),
  'One availability zone and the node pool that serves it.',
);

const spread = admit(
  z.object({
    maxSkew: admit(
      z.int().min(1).max(10),
      'Largest allowed difference in pods of one service between two zones (1-10).',
    ).default(1),
    whenUnsatisfiable: admit(
      z.enum(['DoNotSchedule', 'ScheduleAnyway']),
      'DoNotSchedule keeps pods Pending rather than break maxSkew across zones; ScheduleAnyway only prefers balance.',
    ).default('DoNotSchedule'),
    acrossNodes: admit(
      z.boolean(),
      'Also prefer spreading the pods of a service across the nodes within each zone (best effort).',
    ).default(true),
  }),
  'How the pods of each service are spread over the zones.',
).prefault({});

/** Where the services run: the zones, how their node pools are selected, and how pods spread. */
export const topologySpec = admit(
  z.object({
    zones: admit(
      z.array(zone).min(1).max(5),
      {
        description:
          "The availability zones the services spread over (1-5, each named once); defaults to the seed's three: zone-a, zone-b, zone-c.",
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
      [
        {
          rule: 'self.all(z, self.exists_one(y, y.name == z.name))',
          message: 'spec.topology.zones must name each zone once',
          check: (self) => new Set(self.map((z) => z.name)).size === self.length,
        },
      ],
    ).default(() => defaultZones.map((z) => ({ ...z }))),
    zoneLabelKey: formatted(
      labelKey,
      'spec.topology.zoneLabelKey',
      'Node label whose value is the zone.',
    ).default('topology.kubernetes.io/zone'),
    poolLabelKey: formatted(
      labelKey,
      'spec.topology.poolLabelKey',
      "Node label whose value names the node pool; pods select their zone's pool with it.",
    ).default('platform.quire.dev/pool'),
    spread,
  }),
  'Where the services run: zones, node pools and spreading rules.',
).prefault({});
