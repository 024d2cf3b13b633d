/**
 * `npm start`: runs the console on one port with the embedded defaults.
 */
import { createApp } from './app';
import { readConfig } from './config';

const config = readConfig();
const app = createApp(config);
const url = await app.listen();
console.log(`Consortium console running at ${url}`);
console.log(`Data in ${config.dataDir}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		console.log(`\n${signal}: closing`);
		void app.close().then(() => process.exit(0));
	});
}
