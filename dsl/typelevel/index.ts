/**
 * The parameter types of mae(), vit() and variant(): the user's options when their literals pass
 * every shape check, otherwise the options with each offending property's type replaced by the
 * error message. When nothing fails, the type is exactly O, so inference and editor hints are
 * untouched.
 *
 * Example: `CheckedMae<{ encoder: typeof vitB; image: { size: 225 } }>` is
 * `{ encoder: ...; image: { size: 'patch 16 does not divide image size 225' } }`.
 */
import type { EncoderErrors, ShapeErrors } from './checks.ts';
import type { Report } from './report.ts';
import type { MaeView, VariantView, VitView } from './view.ts';

export type CheckedMae<O> = Report<O, ShapeErrors<MaeView<O>>>;

export type CheckedVit<O> = Report<O, EncoderErrors<VitView<O>>, 'encoder.'>;

export type CheckedVariant<B, O> = Report<O, ShapeErrors<VariantView<B, O>>>;

export type { ShapeError, ShapeErrors, EncoderErrors } from './checks.ts';
export type { View, MaeView, VitView, VariantView } from './view.ts';
