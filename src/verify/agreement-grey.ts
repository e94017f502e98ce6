import sharp from 'sharp';
import type { RawImage } from '../vision/image.ts';

/** A picture as one grey channel (the dense check's input), row by row. */
export interface GreyPicture {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An RGB picture in grey, resized to exactly width x height (a feature size). */
export async function greyPicture(image: RawImage, width: number, height: number): Promise<GreyPicture> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .greyscale()
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`grey picture has ${info.channels} channels`);
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
