// A process that publishes availability and then waits to be killed (the last will test).
import { pino } from 'pino';
import { Bus } from '../../src/bus.ts';
import { mqttSchema } from '../../src/config/integrations.ts';
import { MqttPublisher } from '../../src/mqtt/publisher.ts';

const [url, topicPrefix] = process.argv.slice(2);
const config = mqttSchema.parse({ url, topicPrefix, discovery: false });
const publisher = new MqttPublisher({
  config,
  bus: new Bus(),
  logger: pino({ level: 'silent' }),
  cameras: () => [],
});
publisher.start();
setInterval(() => undefined, 60_000);
