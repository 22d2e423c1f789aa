import { readFileSync } from 'node:fs';

/*
 * Our gateway in bench:gateway --compare runs as production runs it: the image's ENTRYPOINT
 * (Dockerfile), its script and its node flags, read from there so that the two cannot drift apart.
 */

const ENTRYPOINT = /^ENTRYPOINT\s+(\[.*\])\s*$/m;

/** The words of an exec-form ENTRYPOINT `["node", ...flags, script]`. */
function entrypointWords(dockerfile: string): string[] {
  const found = ENTRYPOINT.exec(dockerfile);
  if (!found) throw new Error('the Dockerfile has no exec-form ENTRYPOINT');
  const words = JSON.parse(found[1]!) as unknown;
  if (!Array.isArray(words) || words.length < 2 || words[0] !== 'node' || !words.every((w) => typeof w === 'string'))
    throw new Error(`the ENTRYPOINT is not ["node", ...flags, script]: ${found[1]}`);
  return words as string[];
}

/** The script an exec-form ENTRYPOINT runs (the compiled service, under dist/). */
export const entrypointScript = (dockerfile: string): string => entrypointWords(dockerfile).at(-1)!;

/** The flags between `node` and the script in an exec-form ENTRYPOINT `["node", ...flags, script]`. */
export function entrypointNodeFlags(dockerfile: string): string[] {
  const flags = entrypointWords(dockerfile).slice(1, -1);
  const notFlag = flags.find((f) => !f.startsWith('--'));
  if (notFlag) throw new Error(`the ENTRYPOINT passes node something that is not a flag: ${notFlag}`);
  return flags;
}

export const productionNodeFlags = (dockerfile = 'Dockerfile') => entrypointNodeFlags(readFileSync(dockerfile, 'utf8'));

export const productionScript = (dockerfile = 'Dockerfile') => entrypointScript(readFileSync(dockerfile, 'utf8'));
