/**
 * The square crop control: the photo drawn into a square canvas showing exactly the crop. Drag
 * (mouse or one finger) moves it, pinch / wheel / the zoom slider zoom, and with the keyboard the
 * focused viewport moves with the arrow keys (Shift: faster), zooms with + and -, and resets
 * with 0 or Home. The geometry lives in crop_geometry.ts.
 */
import type { Rect } from '../../src/vision/rgba_image.js';
import { type CropState, centerCrop, cropRect, cropSide, maxZoom, panBy, zoomAt } from './crop_geometry.js';

/** What can be drawn: a decoded photo or a camera frame. */
export type CropSource = ImageBitmap | HTMLCanvasElement;

/** The crop control bound to its elements. */
export class CropView {
  private readonly viewport: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly slider: HTMLInputElement;
  private readonly status: HTMLElement;
  private source: CropSource | undefined;
  private state: CropState | undefined;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private frame = 0;

  constructor(viewport: HTMLElement, slider: HTMLInputElement, status: HTMLElement) {
    this.viewport = viewport;
    this.canvas = viewport.querySelector('canvas')!;
    this.slider = slider;
    this.status = status;
    viewport.addEventListener('pointerdown', (e) => this.pointerDown(e));
    viewport.addEventListener('pointermove', (e) => this.pointerMove(e));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) {
      viewport.addEventListener(type, (e) => this.pointerUp(e));
    }
    viewport.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    viewport.addEventListener('keydown', (e) => this.key(e));
    slider.addEventListener('input', () => this.update(zoomAt(this.state!, Number(slider.value)), true));
    new ResizeObserver(() => this.draw()).observe(viewport);
  }

  /** Shows a new photo with the largest centred square selected. */
  setImage(source: CropSource): void {
    this.source = source;
    this.pointers.clear();
    this.slider.max = String(maxZoom(source.width, source.height));
    this.update(centerCrop(source.width, source.height), true);
  }

  /** Returns the selected square in image pixels (throws if no photo is set). */
  get rect(): Rect {
    if (!this.state) throw new Error('no photo');
    return cropRect(this.state);
  }

  /** Returns the current crop as a small canvas (the results screen's thumbnail). */
  snapshot(size: number): HTMLCanvasElement {
    const c = document.createElement('canvas');
    c.width = c.height = size;
    const r = this.rect;
    c.getContext('2d')!.drawImage(this.source!, r.x, r.y, r.width, r.height, 0, 0, size, size);
    return c;
  }

  private update(s: CropState, announce: boolean): void {
    this.state = s;
    this.slider.value = String(s.zoom);
    const r = cropRect(s);
    this.viewport.dataset.crop = `${r.x},${r.y},${r.width},${r.height}`;
    if (announce) {
      this.status.textContent = `Crop ${r.width} by ${r.height} pixels at ${r.x}, ${r.y}; zoom ${s.zoom.toFixed(1)}x`;
    }
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.frame = 0;
    const s = this.state;
    const src = this.source;
    if (!s || !src) return;
    const css = this.viewport.clientWidth;
    const px = Math.max(1, Math.round(css * (window.devicePixelRatio || 1)));
    if (this.canvas.width !== px) this.canvas.width = this.canvas.height = px;
    const ctx = this.canvas.getContext('2d')!;
    ctx.imageSmoothingQuality = 'high';
    const side = cropSide(s);
    ctx.drawImage(src, s.x, s.y, side, side, 0, 0, px, px);
    // Rule-of-thirds guides, to help centre the subject.
    ctx.strokeStyle = 'rgba(255,255,255,0.35)';
    ctx.lineWidth = Math.max(1, px / 400);
    ctx.beginPath();
    for (const f of [1 / 3, 2 / 3]) {
      ctx.moveTo(f * px, 0);
      ctx.lineTo(f * px, px);
      ctx.moveTo(0, f * px);
      ctx.lineTo(px, f * px);
    }
    ctx.stroke();
  }

  /** Image pixels per CSS pixel of the viewport. */
  private scale(): number {
    return cropSide(this.state!) / Math.max(1, this.viewport.clientWidth);
  }

  /** Position of a client point inside the viewport, as fractions of its side. */
  private fraction(clientX: number, clientY: number): [number, number] {
    const box = this.viewport.getBoundingClientRect();
    const f = (v: number) => Math.min(1, Math.max(0, v));
    return [f((clientX - box.left) / box.width), f((clientY - box.top) / box.height)];
  }

  private pointerDown(e: PointerEvent): void {
    if (!this.state) return;
    this.viewport.setPointerCapture(e.pointerId);
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    e.preventDefault();
  }

  private pointerMove(e: PointerEvent): void {
    const prev = this.pointers.get(e.pointerId);
    if (!prev || !this.state) return;
    const before = [...this.pointers.values()];
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const after = [...this.pointers.values()];
    if (after.length === 1) {
      const k = this.scale();
      this.update(panBy(this.state, -(e.clientX - prev.x) * k, -(e.clientY - prev.y) * k), false);
      return;
    }
    // Pinch: the two first fingers. Zoom by the change of their distance around their midpoint,
    // then follow the midpoint's movement.
    const [a0, b0] = before as [{ x: number; y: number }, { x: number; y: number }];
    const [a1, b1] = after as [{ x: number; y: number }, { x: number; y: number }];
    const d0 = Math.hypot(a0.x - b0.x, a0.y - b0.y);
    const d1 = Math.hypot(a1.x - b1.x, a1.y - b1.y);
    if (d0 < 1) return;
    const mid0 = { x: (a0.x + b0.x) / 2, y: (a0.y + b0.y) / 2 };
    const mid1 = { x: (a1.x + b1.x) / 2, y: (a1.y + b1.y) / 2 };
    const [fx, fy] = this.fraction(mid0.x, mid0.y);
    const zoomed = zoomAt(this.state, this.state.zoom * (d1 / d0), fx, fy);
    const k = cropSide(zoomed) / Math.max(1, this.viewport.clientWidth);
    this.update(panBy(zoomed, -(mid1.x - mid0.x) * k, -(mid1.y - mid0.y) * k), false);
  }

  private pointerUp(e: PointerEvent): void {
    if (this.pointers.delete(e.pointerId) && this.state) this.update(this.state, true);
  }

  private wheel(e: WheelEvent): void {
    if (!this.state) return;
    e.preventDefault();
    // Pixel deltas of ~100 per notch: about 16% zoom per notch, smooth on trackpads.
    const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY;
    const [fx, fy] = this.fraction(e.clientX, e.clientY);
    this.update(zoomAt(this.state, this.state.zoom * Math.exp(-delta * 0.0015), fx, fy), true);
  }

  private key(e: KeyboardEvent): void {
    const s = this.state;
    if (!s) return;
    const step = cropSide(s) * (e.shiftKey ? 0.2 : 0.05);
    let next: CropState | undefined;
    switch (e.key) {
      case 'ArrowLeft':
        next = panBy(s, -step, 0);
        break;
      case 'ArrowRight':
        next = panBy(s, step, 0);
        break;
      case 'ArrowUp':
        next = panBy(s, 0, -step);
        break;
      case 'ArrowDown':
        next = panBy(s, 0, step);
        break;
      case '+':
      case '=':
        next = zoomAt(s, s.zoom * 1.1);
        break;
      case '-':
      case '_':
        next = zoomAt(s, s.zoom / 1.1);
        break;
      case '0':
      case 'Home':
        next = centerCrop(s.imageWidth, s.imageHeight);
        break;
    }
    if (next) {
      e.preventDefault();
      this.update(next, true);
    }
  }
}
