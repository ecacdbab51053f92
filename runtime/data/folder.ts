/**
 * `folder:DIR` datasets: PNG/JPEG files decoded by sharp one batch at a time (never the whole
 * folder). Each image is scaled on decode so its shorter side is the model's image size and
 * centre-cropped to a square (sharp's `cover`, antialiased), transparent pixels are flattened
 * onto black, and the result is augmented like any other dataset.
 *
 * Channels: the first readable train image decides: grey (with or without alpha) makes a
 * 1-channel dataset, anything else 3-channel; every image is then converted to that.
 * Normalisation: ImageNet mean/std for RGB, 0.5/0.5 for grey.
 *
 * Unreadable files are reported (warning callback + `skipped()`), counted once, and skipped.
 */
import sharp from 'sharp';
import { decodeImage } from '../image/decode.ts';
import { DataError } from './errors.ts';
import { scanFolder, type ImageEntry } from './folder-layout.ts';
import type { DatasetParts } from './parts.ts';
import { HALF_STATS, IMAGENET_STATS } from './stats.ts';
import type { ImageStore } from './store.ts';
import type { SkippedImage } from './types.ts';

/** Options of `openFolder`. */
export interface FolderOptions {
  /** Called once per unreadable image, when it is first met. */
  readonly onWarning?: (skipped: SkippedImage) => void;
}

/** Reports each unreadable path once. */
class SkipLog {
  private readonly byPath = new Map<string, SkippedImage>();
  constructor(private readonly onWarning?: (s: SkippedImage) => void) {}
  add(path: string, error: unknown): void {
    if (this.byPath.has(path)) return;
    const entry = { path, reason: error instanceof Error ? error.message : String(error) };
    this.byPath.set(path, entry);
    this.onWarning?.(entry);
  }
  has(path: string): boolean {
    return this.byPath.has(path);
  }
  list(): readonly SkippedImage[] {
    return [...this.byPath.values()];
  }
}

function folderStore(files: readonly ImageEntry[], channels: 1 | 3, log: SkipLog): ImageStore {
  return {
    count: files.length,
    channels,
    label: (i) => files[i]!.label,
    load: (indices, size) =>
      Promise.all(
        Array.from(indices, async (i) => {
          const { path } = files[i]!;
          if (log.has(path)) return null;
          try {
            return { data: await decodeImage(path, size, channels), channels, height: size, width: size };
          } catch (e) {
            log.add(path, e);
            return null;
          }
        }),
      ),
  };
}

/** Finds the channel count from the first train image that decodes fully. */
async function probeChannels(files: readonly ImageEntry[], log: SkipLog, dir: string): Promise<1 | 3> {
  for (const { path } of files) {
    try {
      // Decoding fully proves the file is readable; sharp's raw output is always sRGB, so the
      // channel count comes from the header.
      const meta = await sharp(path).metadata();
      await sharp(path).raw().toBuffer();
      const colour = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
      return colour === 1 ? 1 : 3;
    } catch (e) {
      log.add(path, e);
    }
  }
  throw new DataError('DATA004', `${dir}: none of the ${files.length} images could be read (first: ${log.list()[0]?.path}: ${log.list()[0]?.reason})`, dir);
}

/** Opens `folder:DIR`. */
export async function openFolder(dir: string, options: FolderOptions = {}): Promise<DatasetParts> {
  const layout = scanFolder(dir);
  const log = new SkipLog(options.onWarning);
  const channels = await probeChannels(layout.train, log, dir);
  return {
    info: {
      name: `folder:${dir}`,
      channels,
      imageSize: null,
      classNames: layout.classNames,
      stats: channels === 3 ? IMAGENET_STATS : HALF_STATS,
      allowFlip: true,
    },
    stores: { train: folderStore(layout.train, channels, log), test: folderStore(layout.test, channels, log) },
    skipped: () => log.list(),
  };
}
