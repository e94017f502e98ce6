/** The part of node-webcam (0.8, CommonJS, untyped) that benchsight uses: fswebcam's command line. */
declare module 'node-webcam' {
  interface FSWebcamOptions {
    width?: number;
    height?: number;
    /** JPEG quality passed as --jpeg. */
    quality?: number;
    /** Seconds before the still (-D). */
    delay?: number;
    /** Frames skipped before the still (--skip); 0 or false leaves the option out. */
    skip?: number | false;
    /** -d value, inserted into a shell command line as it is: quote it. */
    device?: string | false;
    output?: 'jpeg' | 'png' | 'bmp';
    callbackReturn?: 'location' | 'buffer' | 'base64';
    /** Keeps every shot in memory when true (its default). */
    saveShots?: boolean;
    /** false adds -q. */
    verbose?: boolean;
    /** Both false adds --no-banner. */
    topBanner?: boolean;
    bottomBanner?: boolean;
  }

  class FSWebcam {
    constructor(options: FSWebcamOptions);
    /** The shell command that writes one still to `location` ("- -" for stdout when null). */
    generateSh(location: string | null): string;
  }

  const NodeWebcam: { FSWebcam: typeof FSWebcam };
  export default NodeWebcam;
}
