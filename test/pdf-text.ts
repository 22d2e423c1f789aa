import { execFile } from 'node:child_process';
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The text of a PDF, read back with pdf-parse. pdf-parse (pdf.js) loads its worker with a
 * dynamic import, which jest's VM refuses without --experimental-vm-modules, so the reading
 * runs in a plain Node child process.
 */
export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'clutch-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  await writeFile(file, pdf);
  const script = `
    const { PDFParse } = require('pdf-parse');
    const data = new Uint8Array(require('node:fs').readFileSync(process.argv[1]));
    const parser = new PDFParse({ data });
    parser.getText().then(async (r) => { process.stdout.write(r.text); await parser.destroy(); },
                          (e) => { console.error(e); process.exit(1); });`;
  try {
    return await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['-e', script, file],
        { cwd: process.cwd(), timeout: 20_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`pdf-parse failed: ${stderr || error.message}`)) : resolve(stdout),
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
