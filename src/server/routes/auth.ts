import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { access } from '../access.ts';
import { type Authenticator, SESSION_COOKIE } from '../auth.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';

const loginBody = z
  .object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();

const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>benchsight: log in</title><link rel="icon" href="data:,">
<style>body{font:18px system-ui,sans-serif;background:#111827;color:#f9fafb;display:grid;place-items:center;min-height:100vh;margin:0}
form{background:#1f2937;padding:2rem;border-radius:12px;display:grid;gap:.8rem;min-width:18rem}input,button{font:inherit;padding:.6rem;border-radius:8px;border:1px solid #4b5563}
button{background:#2563eb;color:#fff;border:0;cursor:pointer}#error{color:#fca5a5;min-height:1.2em;margin:0}</style></head>
<body><form id="f"><h1 style="margin:0">benchsight</h1>
<label>User <input name="name" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Log in</button><p id="error" role="alert"></p></form>
<script>document.getElementById('f').addEventListener('submit',async(e)=>{e.preventDefault();const d=new FormData(e.target);
const r=await fetch('/api/auth/login',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({name:d.get('name'),password:d.get('password')})});
if(r.ok){location.href='/';}else{const j=await r.json().catch(()=>({}));document.getElementById('error').textContent=(j.error&&j.error.message)||('HTTP '+r.status);}});</script>
</body></html>`;

export function authRoutes(app: FastifyInstance, ctx: ServerContext, auth: Authenticator): void {
  app.get('/login', access('public'), async (_req, reply) =>
    reply.type('text/html').header('cache-control', 'no-store').send(LOGIN_PAGE),
  );

  app.post('/api/auth/login', access('public'), async (req, reply) => {
    const { name, password } = parseInput(loginBody, req.body, 'login');
    try {
      const { sessionId, principal, maxAgeS } = await auth.login(name, password, req.ip);
      ctx.logger.info({ user: name, ip: req.ip }, 'login');
      return reply
        .header(
          'set-cookie',
          `${SESSION_COOKIE}=${sessionId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}`,
        )
        .send({ name: principal.name, role: principal.role });
    } catch (err) {
      ctx.logger.warn({ user: name, ip: req.ip }, 'login refused');
      throw err;
    }
  });

  app.post('/api/auth/logout', access('public'), async (req, reply) => {
    auth.logout(req.headers.cookie);
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
      .send({ ok: true });
  });

  app.get('/api/auth/me', access('viewer'), async (req) => ({
    name: req.principal?.name ?? null,
    role: req.principal?.role ?? null,
    authEnabled: auth.enabled,
  }));
}
