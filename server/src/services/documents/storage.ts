// Where a document's bytes live: a narrow interface (put, get), so that object storage or a database can take
// over from the files; `fileBlobs` keeps them as files in the data directory, one per document, written
// durably and atomically (a reader sees the whole file or none, even after a crash).
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";

export type BlobStorage = {
  /** Stores `bytes` under `name` durably; storing the same name again replaces it whole. */
  put(name: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `name`, or undefined. */
  get(name: string): Promise<Buffer | undefined>;
  /** Every name stored (none while a write is still in its temporary file). */
  names(): Promise<string[]>;
};

const NAME = /^[A-Za-z0-9._-]{1,128}$/;

function checkName(name: string): void {
  // Names come from hashes the code computed, never from a request; this keeps any slip out of other folders.
  if (!NAME.test(name) || name.startsWith(".")) throw new Error(`Refusing blob name ${JSON.stringify(name)}: letters, digits, '.', '_' and '-' only.`);
}

/** Files in `dir`: written to a temporary file, flushed, renamed into place, and the folder flushed. */
export function fileBlobs(dir: string): BlobStorage {
  let made: Promise<string | undefined> | undefined;
  return {
    async put(name, bytes) {
      checkName(name);
      await (made ??= mkdir(dir, { recursive: true }));
      const temporary = path.join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
      const file = await open(temporary, "wx", 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      try {
        await rename(temporary, path.join(dir, name));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      const folder = await open(dir, "r");
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    },
    async get(name) {
      checkName(name);
      try {
        return await readFile(path.join(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async names() {
      try {
        return (await readdir(dir)).filter((name) => !name.startsWith("."));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    },
  };
}
