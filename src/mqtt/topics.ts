/**
 * The MQTT topics benchsight publishes, and the Home Assistant discovery configs that point at them.
 * Every topic under the prefix is keyed by camera id and slot name (both letters, digits, - and _:
 * safe as topic levels and as Home Assistant object ids).
 */
export interface Topics {
  prefix: string;
  /** `online` / `offline`, retained; `offline` is also the last will. */
  availability: string;
  /** Every outbound event, as JSON, not retained. */
  events: string;
  /** A slot's board, retained JSON. */
  slotState(camera: string, slot: string): string;
  /** A camera's health and last serial, retained JSON. */
  cameraStatus(camera: string): string;
}

export function topics(prefix: string): Topics {
  return {
    prefix,
    availability: `${prefix}/availability`,
    events: `${prefix}/events`,
    slotState: (camera, slot) => `${prefix}/${camera}/${slot}/state`,
    cameraStatus: (camera) => `${prefix}/${camera}/status`,
  };
}

/** What discovery needs to know about one camera. */
export interface DiscoveredCamera {
  id: string;
  slots: readonly string[];
}

export interface DiscoveryOptions {
  topics: Topics;
  discoveryPrefix: string;
}

/** Home Assistant's node id for this daemon's entities: the topic prefix, made id-safe. */
export function discoveryNode(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The topic filter that matches every discovery config this daemon could have published. */
export function discoveryFilter(o: DiscoveryOptions): string {
  return `${o.discoveryPrefix}/+/${discoveryNode(o.topics.prefix)}/+/config`;
}

/**
 * Discovery config topic -> payload, for every camera and slot: a sensor per slot (the board, the
 * slot's state JSON as attributes), a binary sensor per camera (healthy: online and the picture is
 * not black or frozen) and a sensor per camera (the last serial read on any of its slots).
 */
export function discoveryConfigs(
  o: DiscoveryOptions,
  cameras: readonly DiscoveredCamera[],
): Map<string, string> {
  const { topics: t, discoveryPrefix } = o;
  const node = discoveryNode(t.prefix);
  const out = new Map<string, string>();
  const availability = {
    availability_topic: t.availability,
    payload_available: 'online',
    payload_not_available: 'offline',
  };
  for (const camera of cameras) {
    const device = {
      identifiers: [`${node}_${camera.id}`],
      name: `benchsight ${camera.id}`,
      manufacturer: 'benchsight',
      model: 'bench camera',
    };
    const add = (component: string, objectId: string, config: Record<string, unknown>) =>
      out.set(
        `${discoveryPrefix}/${component}/${node}/${objectId}/config`,
        JSON.stringify({ ...config, unique_id: `${node}_${objectId}`, ...availability, device }),
      );
    for (const slot of camera.slots) {
      const state = t.slotState(camera.id, slot);
      add('sensor', `${camera.id}_${slot}_board`, {
        name: `${slot} board`,
        icon: 'mdi:expansion-card',
        state_topic: state,
        value_template:
          '{% if value_json.boardId is not none %}{{ value_json.vendor }} {{ value_json.model }}{% else %}{{ value_json.state }}{% endif %}',
        json_attributes_topic: state,
      });
    }
    const status = t.cameraStatus(camera.id);
    add('binary_sensor', `${camera.id}_health`, {
      name: 'camera health',
      device_class: 'connectivity',
      state_topic: status,
      value_template: "{{ 'ON' if value_json.healthy else 'OFF' }}",
      json_attributes_topic: status,
    });
    add('sensor', `${camera.id}_last_serial`, {
      name: 'last serial',
      icon: 'mdi:barcode',
      state_topic: status,
      value_template: "{{ value_json.lastSerial.serial if value_json.lastSerial else '' }}",
      json_attributes_topic: status,
      json_attributes_template: '{{ (value_json.lastSerial or {}) | tojson }}',
    });
  }
  return out;
}
