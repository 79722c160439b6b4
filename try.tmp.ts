import * as fs from 'fs';
import * as path from 'path';
import { formatReleaseReport, verifyReleases } from './lib/verify/upstream';
const files = fs.readdirSync('dist').filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ file: path.join('dist', f), content: fs.readFileSync(path.join('dist', f), 'utf8') }));
const r = verifyReleases(files);
console.log(formatReleaseReport(r));
