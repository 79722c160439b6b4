import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ModelRegistry } from '../../../lib/k8s';
import { dataContract, one, synthValid, testChart } from '../retrieval/util';

const python = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim() || undefined;

describe('MLflow init scripts (Python)', () => {
  beforeAll(() => {
    if (!python) throw new Error('python3 is not installed: install Python 3 (e.g. `apt-get install python3`) to run the MLflow scripts\' tests');
  });
  const { chart } = testChart();
  new ModelRegistry(chart, 'registry', { contract: dataContract() });
  const scripts = one(synthValid(chart), 'ConfigMap', 'mlflow-scripts').data;

  test('both scripts compile', () => {
    for (const name of ['write_auth_config.py', 'create_users.py', 'sync_users.py']) {
      const r = spawnSync(python!, ['-c', 'import sys; compile(sys.stdin.read(), "x", "exec")'], { input: scripts[name], encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  test('basic_auth.ini keeps the packaged settings, sets ours, and survives "%" in a password (MLflow reads it with interpolation)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cnai-mlflow-'));
    try {
      // A stand-in for the installed package: only its basic_auth.ini is read.
      const pkg = path.join(dir, 'site', 'mlflow');
      mkdirSync(path.join(pkg, 'server', 'auth'), { recursive: true });
      writeFileSync(path.join(pkg, '__init__.py'), '');
      writeFileSync(path.join(pkg, 'server', 'auth', 'basic_auth.ini'),
        '[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///basic_auth.db\nadmin_username = admin\nadmin_password = password1234\nauthorization_function = mlflow.server.auth:authenticate_request_basic_auth\n');
      const config = path.join(dir, 'config');
      mkdirSync(config);
      const script = (scripts['write_auth_config.py'] as string).replace(/\/config\/basic_auth\.ini/g, path.join(config, 'basic_auth.ini'));
      const password = 'p%40ss%w0rd;#x';
      const uri = 'postgresql+psycopg2://cnai_admin:a%2Fb%25c@db:5432/mlflow_auth?sslmode=require';
      const r = spawnSync(python!, ['-c', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, PYTHONPATH: path.join(dir, 'site'), ADMIN_USERNAME: 'root-admin', ADMIN_PASSWORD: password, AUTH_DATABASE_URI: uri },
      });
      expect(r.stderr).toBe('');
      const read = spawnSync(python!, ['-c', `import configparser; c = configparser.ConfigParser(); c.read(${JSON.stringify(path.join(config, 'basic_auth.ini'))}); m = c["mlflow"]; print(m["admin_username"]); print(m["admin_password"]); print(m["database_uri"]); print(m["default_permission"]); print(m["authorization_function"])`], { encoding: 'utf8' });
      expect(read.stdout.trim().split('\n')).toEqual(['root-admin', password, uri, 'READ', 'mlflow.server.auth:authenticate_request_basic_auth']);
      expect(readFileSync(path.join(config, 'basic_auth.ini'), 'utf8')).not.toContain('password1234');
      const bad = spawnSync(python!, ['-c', script], {
        encoding: 'utf8', env: { PATH: process.env.PATH, PYTHONPATH: path.join(dir, 'site'), ADMIN_USERNAME: 'a', ADMIN_PASSWORD: 'x\ny', AUTH_DATABASE_URI: uri },
      });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('ADMIN_PASSWORD contains a line break');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('sync_users.py creates the users, then sets their passwords from the Secret when they differ (after a rotation)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cnai-mlflow-users-'));
    try {
      // A stand-in for MLflow's auth store (the methods the script calls), kept in a JSON file between runs.
      const pkg = path.join(dir, 'site', 'mlflow');
      mkdirSync(path.join(pkg, 'server', 'auth'), { recursive: true });
      writeFileSync(path.join(pkg, '__init__.py'), '');
      writeFileSync(path.join(pkg, 'exceptions.py'), 'class MlflowException(Exception):\n    pass\n');
      writeFileSync(path.join(pkg, 'server', '__init__.py'), '');
      writeFileSync(path.join(pkg, 'server', 'auth', '__init__.py'), '');
      writeFileSync(path.join(pkg, 'server', 'auth', 'sqlalchemy_store.py'), [
        'import json, os',
        'from mlflow.exceptions import MlflowException',
        'DB = os.environ["FAKE_DB"]',
        'class SqlAlchemyStore:',
        '    def init_db(self, uri):',
        '        assert uri == "postgresql+psycopg2://cnai_admin:x@db:5432/mlflow_auth?sslmode=require", uri',
        '        self.users = json.load(open(DB)) if os.path.exists(DB) else {}',
        '    def _save(self):',
        '        json.dump(self.users, open(DB, "w"))',
        '    def has_user(self, u):',
        '        return u in self.users',
        '    def create_user(self, u, p, is_admin=False):',
        '        if u in self.users: raise MlflowException("exists")',
        '        self.users[u] = {"password": p, "admin": is_admin}; self._save()',
        '    def authenticate_user(self, u, p):',
        '        return self.users[u]["password"] == p',
        '    def update_user(self, u, password=None, is_admin=None):',
        '        self.users[u]["password"] = password; self._save()',
      ].join('\n'));
      const db = path.join(dir, 'users.json');
      const run = (admin: string, reader: string, writer: string) => spawnSync(python!, ['-c', scripts['sync_users.py']], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          PYTHONPATH: path.join(dir, 'site'),
          FAKE_DB: db,
          AUTH_DATABASE_URI: 'postgresql+psycopg2://cnai_admin:x@db:5432/mlflow_auth?sslmode=require',
          ADMIN_USERNAME: 'admin',
          ADMIN_PASSWORD: admin,
          READER_PASSWORD: reader,
          WRITER_PASSWORD: writer,
        },
      });
      const first = run('admin-1', 'reader-1', 'writer-1');
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe('user admin created\nuser reader created\nuser writer created\n');
      expect(run('admin-1', 'reader-1', 'writer-1').stdout).toBe('user admin unchanged\nuser reader unchanged\nuser writer unchanged\n');
      const rotated = run('admin-2', 'reader-2', 'writer-1');
      expect(rotated.stdout).toBe('user admin password set from the Secret\nuser reader password set from the Secret\nuser writer unchanged\n');
      expect(JSON.parse(readFileSync(db, 'utf8'))).toEqual({
        admin: { password: 'admin-2', admin: true }, reader: { password: 'reader-2', admin: false }, writer: { password: 'writer-1', admin: false },
      });
      expect(rotated.stdout).not.toContain('admin-2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the server starts after sync-users, which reads the auth database and the credentials', () => {
    const { chart: c } = testChart();
    new ModelRegistry(c, 'registry', { contract: dataContract() });
    const pod = one(synthValid(c), 'Deployment', 'mlflow').spec.template.spec;
    expect(pod.initContainers.map((x: any) => x.name)).toEqual(['create-databases', 'auth-config', 'db-upgrade', 'sync-users']);
    const sync = pod.initContainers[3];
    expect(sync.command).toEqual(['python', '/scripts/sync_users.py']);
    expect(sync.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key])).toEqual([
      ['AUTH_DATABASE_URI', 'mlflow-database', 'auth-database-uri'],
      ['ADMIN_USERNAME', 'mlflow-credentials', 'admin-username'],
      ['ADMIN_PASSWORD', 'mlflow-credentials', 'admin-password'],
      ['READER_PASSWORD', 'mlflow-credentials', 'reader-password'],
      ['WRITER_PASSWORD', 'mlflow-credentials', 'writer-password'],
    ]);
  });
});
