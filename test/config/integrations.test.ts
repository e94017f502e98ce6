import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { BenchsightError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

function tempYaml(text: string): string {
  const dir = tempDir('bs-config-');
  const path = join(dir, 'benchsight.yaml');
  writeFileSync(path, text);
  return path;
}

function problems(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig({ configPath: tempYaml(text), env });
  } catch (err) {
    expect(err).toBeInstanceOf(BenchsightError);
    expect((err as BenchsightError).code).toBe('E_CONFIG');
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('config: mqtt and webhooks', () => {
  it('mqtt defaults: prefix benchsight, discovery on under homeassistant; absent: off', () => {
    expect(loadConfig({ env: {} }).config.mqtt).toBeUndefined();
    const { config } = loadConfig({ configPath: tempYaml('mqtt: { url: "mqtt://broker:1883" }\n'), env: {} });
    expect(config.mqtt).toMatchObject({
      url: 'mqtt://broker:1883',
      topicPrefix: 'benchsight',
      discovery: true,
      discoveryPrefix: 'homeassistant',
    });
  });

  it('BENCHSIGHT_MQTT_PASSWORD fills mqtt.password, and does not turn MQTT on by itself', () => {
    const path = tempYaml('mqtt: { url: "mqtt://broker:1883", username: bench }\n');
    expect(
      loadConfig({ configPath: path, env: { BENCHSIGHT_MQTT_PASSWORD: 's3cret' } }).config.mqtt?.password,
    ).toBe('s3cret');
    expect(loadConfig({ env: { BENCHSIGHT_MQTT_PASSWORD: 's3cret' } }).config.mqtt).toBeUndefined();
  });

  it('TLS: ca, cert and key resolve against the config file; a missing file or a plain mqtt:// url is an error', () => {
    const path = tempYaml('mqtt:\n  url: mqtts://broker:8883\n  ca: ca.pem\n');
    writeFileSync(join(path, '..', 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    expect(loadConfig({ configPath: path, env: {} }).config.mqtt?.ca).toBe(join(path, '..', 'ca.pem'));
    expect(problems('mqtt: { url: "mqtts://broker:8883", ca: nowhere.pem }\n')).toMatch(
      /mqtt\.ca: no file .*nowhere\.pem \(expected a PEM file\)/,
    );
    expect(problems('mqtt: { url: "mqtt://broker:1883", ca: ca.pem }\n')).toContain('use an mqtts:// url');
    expect(problems('mqtt: { url: "mqtts://broker:8883", cert: c.pem }\n')).toContain(
      'needs both cert and key',
    );
  });

  it('a broker url that is not mqtt:// or mqtts://, and a topic prefix with wildcards, are errors', () => {
    const message = problems('mqtt: { url: "http://broker", topicPrefix: "bench/#" }\n');
    expect(message).toContain('mqtt.url (line 1): expected mqtt://host:1883 or mqtts://host:8883');
    expect(message).toContain('mqtt.topicPrefix (line 1): a topic prefix without + or #');
  });

  it('webhooks: events default to all five; a non-http(s) url and a short secret are errors, with their paths', () => {
    const ok = loadConfig({
      configPath: tempYaml(
        'webhooks:\n  - { url: "https://tickets.example/hook", secret: "0123456789abcdef" }\n',
      ),
      env: {},
    }).config.webhooks[0];
    expect(ok?.events).toEqual(['recognized', 'cleared', 'ocr', 'inspected', 'camera', 'unit']);
    const message = problems(
      [
        'webhooks:',
        '  - { url: "ftp://tickets.example/hook", secret: "0123456789abcdef" }',
        '  - { url: "https://tickets.example/hook", secret: "short" }',
        '  - { url: "https://tickets.example/hook", secret: "0123456789abcdef", events: [recognised] }',
      ].join('\n'),
    );
    expect(message).toContain('webhooks[0].url (line 2): expected an http:// or https:// URL');
    expect(message).toContain('webhooks[1].secret (line 3): at least 16 characters');
    expect(message).toMatch(/webhooks\[2\]\.events\[0\] \(line 4\): .*recognized/);
  });
});
