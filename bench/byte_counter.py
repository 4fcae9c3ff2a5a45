#!/usr/bin/python3
"""A TCP proxy that counts the bytes each way, for bench/push.sh.

  byte_counter.py LISTEN_PORT UPSTREAM_HOST:PORT STATS_FILE

On SIGUSR1 it writes "<bytes client->server> <bytes server->client>" (totals
since it started) to STATS_FILE.
"""
import asyncio
import signal
import sys

totals = [0, 0]  # up, down


async def pipe(reader, writer, index):
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            totals[index] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    port, upstream, stats = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    host, up_port = upstream.rsplit(":", 1)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(up_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, 0),
                             pipe(server_reader, client_writer, 1))

    def dump():
        with open(stats, "w") as f:
            f.write(f"{totals[0]} {totals[1]}\n")

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump)
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


asyncio.run(main())
