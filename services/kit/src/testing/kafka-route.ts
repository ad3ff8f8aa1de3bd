/**
 * Routing a Kafka client's connections through a test proxy. A broker advertises its own address in
 * metadata and KafkaJS connects to the advertised address after bootstrap, so pointing only the
 * bootstrap list at a proxy is not enough: this socket factory sends every broker connection
 * (bootstrap and advertised) to the proxy, which a test can cut and restore.
 */
import { connect } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** A KafkaJS socket factory that connects to `proxy` whatever broker address is asked for (plain TCP only). */
export function socketFactoryVia(proxy: { host?: string; port: number }): ISocketFactory {
  return ({ onConnect }) => {
    const socket = connect({ host: proxy.host ?? '127.0.0.1', port: proxy.port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}
