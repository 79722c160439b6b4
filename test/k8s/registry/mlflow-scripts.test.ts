import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ModelRegistry } from '../../../lib/k8s';
import { dataContract, one, synthValid, testChart } from '../retrieval/util';

const python = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim() || undefined;

(python ? describe : describe.skip)('MLflow init scripts (Python)', () => {
  const { chart } = testChart();
  new ModelRegistry(chart, 'registry', { contract: dataContract() });
  const scripts = one(synthValid(chart), 'ConfigMap', 'mlflow-scripts').data;

  test('both scripts compile', () => {
    for (const name of ['write_auth_config.py', 'create_users.py']) {
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
});
