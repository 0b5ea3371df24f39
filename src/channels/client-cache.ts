/**
 * Wraps an SDK client factory so that each distinct set of settings (key, base URL, …)
 * builds one client per process, reused by every delivery: connection pools stay warm,
 * and settings changed between deliveries (tests, a rotated key) get a fresh client.
 */
export function cachedClient<Args extends string[], Client>(create: (...args: Args) => Client): (...args: Args) => Client {
  const clients = new Map<string, Client>();
  return (...args: Args) => {
    const key = args.join('\u0000');
    let client = clients.get(key);
    if (!client) {
      client = create(...args);
      clients.set(key, client);
    }
    return client;
  };
}
