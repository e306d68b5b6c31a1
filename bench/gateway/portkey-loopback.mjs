// Preloaded into the Portkey gateway (node --import): its start-server.js has no host flag and listens on every
// interface, but this benchmark serves on 127.0.0.1 only. A listen() given a port and no host gets 127.0.0.1.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackListen(...args) {
  if (typeof args[0] === 'number') {
    if (args.length > 1 && (args[1] === undefined || args[1] === null)) {
      args[1] = '127.0.0.1';
    } else if (typeof args[1] !== 'string') {
      args.splice(1, 0, '127.0.0.1');
    }
  } else if (args[0] && typeof args[0] === 'object' && 'port' in args[0] && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
