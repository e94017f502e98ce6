/** The central server's address without credentials, for logs and the status. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
