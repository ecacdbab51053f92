/**
 * How an image folder is laid out: `DIR/train` and `DIR/test` if `DIR/train` exists, else the
 * whole of DIR for train. Within a split root, class sub-folders (sorted by name, like
 * torchvision's ImageFolder) give labels; a root with image files directly inside is unlabelled.
 * Only PNG and JPEG files are read; other files and dot-folders are ignored.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.ts';

const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** One image file and its class id (-1 when unlabelled). */
export interface ImageEntry {
  readonly path: string;
  readonly label: number;
}

export interface FolderLayout {
  readonly train: readonly ImageEntry[];
  readonly test: readonly ImageEntry[];
  /** Class names in label order, or null for a flat (unlabelled) folder. */
  readonly classNames: readonly string[] | null;
}

interface RootListing {
  readonly classes: Map<string, string[]> | null;
  readonly files: string[];
}

function isDir(path: string): boolean {
  return statSync(path).isDirectory();
}

function listImages(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => IMAGE_EXT.test(n) && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => !isDir(p));
}

function listRoot(root: string): RootListing {
  const names = readdirSync(root).filter((n) => !n.startsWith('.')).sort();
  const subdirs = names.filter((n) => isDir(join(root, n)));
  const files = listImages(root);
  if (subdirs.length === 0) return { classes: null, files };
  if (files.length > 0) {
    throw new DataError(
      'DATA007',
      `${root}: expected either class sub-folders or image files, found both (${subdirs.length} folders, ${files.length} images such as ${files[0]})`,
      root,
    );
  }
  return { classes: new Map(subdirs.map((d) => [d, listImages(join(root, d))])), files: [] };
}

function entries(listing: RootListing, classIds: Map<string, number> | null, root: string): ImageEntry[] {
  if (!listing.classes) return listing.files.map((path) => ({ path, label: -1 }));
  const out: ImageEntry[] = [];
  for (const [name, files] of listing.classes) {
    const label = classIds?.get(name);
    if (label === undefined) {
      throw new DataError('DATA007', `${join(root, name)}: class '${name}' does not exist in the train split`, join(root, name));
    }
    for (const path of files) out.push({ path, label });
  }
  return out;
}

/** Lists the images of `dir` by split. Throws DATA002 if it is missing, DATA004 if it holds no images. */
export function scanFolder(dir: string): FolderLayout {
  if (!existsSync(dir)) throw new DataError('DATA002', `image folder not found: ${dir}`, dir);
  if (!isDir(dir)) throw new DataError('DATA002', `expected a folder of images, found a file: ${dir}`, dir);
  const trainRoot = existsSync(join(dir, 'train')) && isDir(join(dir, 'train')) ? join(dir, 'train') : dir;
  const testRoot = trainRoot !== dir && existsSync(join(dir, 'test')) && isDir(join(dir, 'test')) ? join(dir, 'test') : null;
  const train = listRoot(trainRoot);
  const classNames = train.classes ? [...train.classes.keys()] : null;
  const classIds = classNames ? new Map(classNames.map((n, i) => [n, i])) : null;
  const test = testRoot ? listRoot(testRoot) : null;
  if (test && Boolean(test.classes) !== Boolean(train.classes)) {
    throw new DataError(
      'DATA007',
      `${testRoot}: expected the same layout as ${trainRoot} (${train.classes ? 'class sub-folders' : 'flat images'}), found ${test.classes ? 'class sub-folders' : 'flat images'}`,
      testRoot ?? dir,
    );
  }
  const layout = { train: entries(train, classIds, trainRoot), test: test && testRoot ? entries(test, classIds, testRoot) : [], classNames };
  if (layout.train.length === 0) throw new DataError('DATA004', `${trainRoot}: expected PNG or JPEG images, found none`, trainRoot);
  return layout;
}
