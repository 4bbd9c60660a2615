/**
 * The live camera: a getUserMedia stream (the back camera where there is one) shown in a
 * <video>, and a shutter that copies the current frame to a canvas. Browsers offer getUserMedia
 * only in secure contexts (https or localhost).
 */

/** Returns true when this browser can show a live camera here. */
export function liveCameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** A running camera preview. */
export class CameraView {
  private readonly video: HTMLVideoElement;
  private stream: MediaStream | undefined;

  constructor(video: HTMLVideoElement) {
    this.video = video;
  }

  /** Starts the preview; rejects with the browser's DOMException (NotFoundError, NotAllowedError, ...). */
  async start(): Promise<void> {
    this.stop();
    const devices = await navigator.mediaDevices.enumerateDevices?.();
    if (devices && devices.length > 0 && !devices.some((d) => d.kind === 'videoinput')) {
      throw new DOMException('no video input device', 'NotFoundError');
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 1280 } },
      audio: false,
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    // The first frame may come a little after play() resolves.
    if (this.video.videoWidth === 0) {
      await new Promise<void>((resolve) =>
        this.video.addEventListener('loadeddata', () => resolve(), { once: true }),
      );
    }
  }

  /** Returns the current frame as a canvas (throws if the camera is not running). */
  capture(): HTMLCanvasElement {
    const { videoWidth: w, videoHeight: h } = this.video;
    if (!this.stream || !w || !h) throw new DOMException('the camera is not running', 'InvalidStateError');
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')!.drawImage(this.video, 0, 0, w, h);
    return canvas;
  }

  /** Stops the camera (its light goes off). */
  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.video.srcObject = null;
  }
}
