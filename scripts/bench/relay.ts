/**
 * The baseline for the throughput benchmark: a plain y-websocket relay that applies every update
 * to its copy and broadcasts it to every connection of the room, as the stock y-websocket server
 * does, with no authentication, no validation and no persistence.
 */
import { createServer, type Server } from 'node:http';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

interface Room {
	doc: Y.Doc;
	sockets: Set<WebSocket>;
}

export function startRelay(
	seed: (doc: Y.Doc, room: string) => void
): Promise<{ server: Server; url: string }> {
	const rooms = new Map<string, Room>();
	const server = createServer((_, res) => res.writeHead(404).end());
	const wss = new WebSocketServer({ server });
	const roomOf = (name: string): Room => {
		let room = rooms.get(name);
		if (!room) {
			const doc = new Y.Doc();
			seed(doc, name);
			room = { doc, sockets: new Set() };
			const current = room;
			doc.on('update', (update: Uint8Array) => {
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, 0);
				syncProtocol.writeUpdate(encoder, update);
				const message = encoding.toUint8Array(encoder);
				for (const socket of current.sockets) socket.send(message);
			});
			rooms.set(name, room);
		}
		return room;
	};
	wss.on('connection', (socket, req) => {
		const room = roomOf(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/sync\//, ''));
		room.sockets.add(socket);
		socket.on('close', () => room.sockets.delete(socket));
		socket.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			if (decoding.readVarUint(decoder) !== 0) return;
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.readSyncMessage(decoder, encoder, room.doc, socket);
			if (encoding.length(encoder) > 1) socket.send(encoding.toUint8Array(encoder));
		});
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, room.doc);
		socket.send(encoding.toUint8Array(encoder));
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const address = server.address() as { port: number };
			resolve({ server, url: `http://127.0.0.1:${address.port}` });
		})
	);
}
