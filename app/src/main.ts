/**
 * The app's controller: screen 1 (choose a classifier, take or choose a photo, crop it) and
 * screen 2 (the top-3 predictions). Models and photos go to the classifier worker; this thread
 * only draws, so the page stays responsive while a model parses or runs.
 *
 * When the first model has loaded the page is "ready to classify": it sets
 * `<html data-ready="true">` and the performance mark 'tflite-ts:ready' (time from navigation).
 */
import './styles.css';
import { CameraView, liveCameraAvailable } from './camera_view.js';
import { ClassifierClient } from './classifier_client.js';
import { type CropSource, CropView } from './crop_view.js';
import { byId, formatBytes } from './dom.js';
import { CATALOG, type CatalogModel, catalogModel } from './model_catalog.js';
import { type BuiltInModel, type ListItemState, renderModelCard, renderModelList } from './model_panel.js';
import { fetchBytes, getCatalogModel, isCached, offlineCacheAvailable, parseLabels } from './model_store.js';
import { renderResults } from './results_view.js';
import { registerServiceWorker } from './register_sw.js';
import { type Action, userMessage } from './user_messages.js';
import type { ModelInfo } from './worker_protocol.js';

/** The built-in model the build copied into the app (see app/default_model.ts), or null. */
declare const __DEFAULT_MODEL__: BuiltInModel | null;

const MODEL_CHOICE_KEY = 'tflite-ts.model';

type ModelSource = { kind: 'default' } | { kind: 'catalog'; id: string } | { kind: 'file'; name: string };

const client = new ClassifierClient();
const status = byId('status');
const alertBox = byId('alert-box');
const alertText = byId('alert');
const classifyButton = byId<HTMLButtonElement>('classify');
const cropPanel = byId('crop-panel');
const cameraPanel = byId('camera-panel');
const crop = new CropView(byId('crop-viewport'), byId<HTMLInputElement>('zoom'), byId('crop-status'));
const camera = new CameraView(byId<HTMLVideoElement>('camera-video'));
const mirror = new URLSearchParams(location.search).get('mirror') ?? undefined;

let model: { info: ModelInfo; source: ModelSource } | undefined;
let photo: { name: string; source: CropSource } | undefined;
let busy = 0;
const listState = new Map<string, ListItemState>();

// ---- messages and status ------------------------------------------------------------------

function showError(action: Action, err: unknown, file?: string): void {
  alertText.textContent = userMessage(action, err, file);
  alertBox.hidden = false;
  console.warn(err);
}

function clearError(): void {
  alertBox.hidden = true;
  alertText.textContent = '';
}

function setStatus(text: string): void {
  status.textContent = text;
}

/** Runs `task` with the busy state shown; the classify button is off meanwhile. */
async function withBusy<T>(text: string, task: () => Promise<T>): Promise<T> {
  busy++;
  setStatus(text);
  document.documentElement.setAttribute('aria-busy', 'true');
  refresh();
  try {
    return await task();
  } finally {
    busy--;
    if (busy === 0) document.documentElement.removeAttribute('aria-busy');
    refresh();
  }
}

/** Updates what depends on the state: the classify button, the status line, the model list. */
function refresh(): void {
  classifyButton.disabled = busy > 0 || !model || !photo;
  if (busy === 0) {
    setStatus(
      !model ? 'Open a model to start' : !photo ? 'Ready: take or choose a photo' : 'Ready to classify',
    );
  }
  renderModelList(byId('model-list'), listItems(), listState, onModelListAction);
}

// ---- models -------------------------------------------------------------------------------

function listItems() {
  const current = model?.source;
  return {
    builtIn: __DEFAULT_MODEL__,
    catalog: CATALOG,
    selected: current?.kind === 'default' ? 'default' : current?.kind === 'catalog' ? current.id : undefined,
  };
}

function setModel(info: ModelInfo, source: ModelSource): void {
  model = { info, source };
  renderModelCard(byId('model-card'), info, source.kind === 'default' ? 'built in' : undefined);
  byId('labels-needed').hidden = info.labelSource !== 'none';
  if (source.kind !== 'file') {
    try {
      localStorage.setItem(MODEL_CHOICE_KEY, JSON.stringify(source));
    } catch {
      // private mode: the choice is not remembered
    }
  }
  markReady();
}

let ready = false;
function markReady(): void {
  if (ready) return;
  ready = true;
  performance.mark('tflite-ts:ready');
  document.documentElement.dataset.ready = 'true';
}

async function loadDefaultModel(): Promise<void> {
  const d = __DEFAULT_MODEL__;
  if (!d) throw new Error('this build has no built-in model');
  await withBusy('Loading the built-in model…', async () => {
    const bytes = await fetchBytes(d.url, d.fileName, undefined, 'same-origin'); // as index.html preloads it
    setModel(await client.load(bytes, d.fileName), { kind: 'default' });
  });
}

async function loadCatalogModel(entry: CatalogModel): Promise<void> {
  await withBusy(`Loading ${entry.name}…`, async () => {
    const stored = await getCatalogModel(entry, {
      ...(mirror ? { mirror } : {}),
      onProgress: (loaded, total) => {
        listState.set(entry.id, {
          progress: { loaded, total: total ?? (entry.bytesApprox ? undefined : entry.bytes) },
        });
        setStatus(`Downloading ${entry.name}… ${formatBytes(loaded)}`);
        renderModelList(byId('model-list'), listItems(), listState, onModelListAction);
      },
    });
    listState.set(entry.id, { cached: offlineCacheAvailable(), verified: stored.verified });
    setModel(await client.load(stored.bytes, entry.file, stored.labels), { kind: 'catalog', id: entry.id });
  }).catch((err: unknown) => {
    listState.set(entry.id, {});
    throw err;
  });
}

async function onModelListAction(id: string): Promise<void> {
  clearError();
  try {
    if (id === 'default') await loadDefaultModel();
    else {
      const entry = catalogModel(id);
      if (entry) await loadCatalogModel(entry);
    }
  } catch (err) {
    showError(
      id === 'default' ? 'open-model' : 'download',
      err,
      catalogModel(id)?.file ?? __DEFAULT_MODEL__?.fileName,
    );
  }
}

async function openModelFiles(files: File[]): Promise<void> {
  clearError();
  const labelsFile = files.find((f) => /\.txt$/i.test(f.name));
  const modelFile = files.find((f) => f !== labelsFile);
  if (!modelFile) {
    if (labelsFile) await applyLabels(labelsFile);
    return;
  }
  try {
    await withBusy(`Opening ${modelFile.name}…`, async () => {
      const bytes = new Uint8Array(await modelFile.arrayBuffer());
      const labels = labelsFile ? parseLabels(await labelsFile.text()) : undefined;
      setModel(await client.load(bytes, modelFile.name, labels), { kind: 'file', name: modelFile.name });
    });
  } catch (err) {
    showError('open-model', err, modelFile.name);
  }
}

async function applyLabels(file: File): Promise<void> {
  clearError();
  if (!model) {
    showError('labels', new Error('open a model first, then its labels file'), file.name);
    return;
  }
  try {
    await withBusy('Reading labels…', async () => {
      const info = await client.setLabels(parseLabels(await file.text()), file.name);
      setModel(info, model!.source);
    });
  } catch (err) {
    showError('labels', err, file.name);
  }
}

/** Loads the model chosen last time (a cached catalog model), else the built-in one. */
async function loadStartupModel(): Promise<void> {
  let choice: ModelSource | undefined;
  try {
    choice = JSON.parse(localStorage.getItem(MODEL_CHOICE_KEY) ?? 'null') as ModelSource | undefined;
  } catch {
    choice = undefined;
  }
  const entry = choice?.kind === 'catalog' ? catalogModel(choice.id) : undefined;
  if (entry && (await isCached(entry))) {
    try {
      await loadCatalogModel(entry);
      return;
    } catch (err) {
      console.warn('the remembered model failed to load; using the built-in one', err);
    }
  }
  if (__DEFAULT_MODEL__) {
    try {
      await loadDefaultModel();
    } catch (err) {
      showError('open-model', err, __DEFAULT_MODEL__.fileName);
    }
  } else {
    byId('model-list-panel').hidden = false;
    byId('show-models').setAttribute('aria-expanded', 'true');
  }
}

// ---- photos -------------------------------------------------------------------------------

/** Decodes a photo file here (to draw it) and in the worker (to classify it). */
async function usePhotoFile(file: File): Promise<void> {
  clearError();
  stopCamera();
  try {
    await withBusy('Reading the photo…', async () => {
      const [shown, decoded] = await Promise.allSettled([
        createImageBitmap(file, {
          imageOrientation: 'from-image',
          colorSpaceConversion: 'none',
          premultiplyAlpha: 'none',
        }),
        client.setImage(file, file.name),
      ]);
      // The worker's error names the file and the reason (tflite-ts ImageDecodeError): prefer it.
      if (decoded.status === 'rejected') throw decoded.reason;
      if (shown.status === 'rejected') {
        const err = new Error(`${file.name}: the browser cannot display it (${String(shown.reason)})`);
        err.name = 'ImageDecodeError';
        throw err;
      }
      setPhoto(file.name, shown.value);
    });
  } catch (err) {
    clearPhoto();
    showError('photo', err, file.name);
  }
}

function setPhoto(name: string, source: CropSource): void {
  photo = { name, source };
  cropPanel.hidden = false;
  crop.setImage(source);
  refresh();
}

function clearPhoto(): void {
  photo = undefined;
  cropPanel.hidden = true;
  for (const id of ['take-photo', 'choose-photo']) byId<HTMLInputElement>(id).value = '';
  refresh();
}

async function startCamera(): Promise<void> {
  clearError();
  cameraPanel.hidden = false;
  byId('action-bar').hidden = true; // the shutter is the action while the camera runs
  try {
    await camera.start();
    byId('shutter').focus();
    byId('shutter').scrollIntoView({ block: 'center' });
  } catch (err) {
    stopCamera();
    showError('camera', err);
  }
}

function stopCamera(): void {
  camera.stop();
  cameraPanel.hidden = true;
  byId('action-bar').hidden = false;
}

async function takePicture(): Promise<void> {
  clearError();
  try {
    const frame = camera.capture();
    stopCamera();
    await withBusy('Reading the picture…', async () => {
      await client.setImage(await createImageBitmap(frame), 'camera picture');
      setPhoto('camera picture', frame);
    });
  } catch (err) {
    showError('camera', err);
  }
}

// ---- classify and results -----------------------------------------------------------------

async function classify(): Promise<void> {
  if (!model || !photo) return;
  clearError();
  try {
    const rect = crop.rect;
    const result = await withBusy('Classifying…', () => client.classify(rect));
    renderResults({
      list: byId('predictions'),
      meta: byId('result-meta'),
      thumb: byId<HTMLCanvasElement>('result-thumb'),
      result,
      info: model.info,
      crop: crop.snapshot(192),
    });
    showScreen('results');
  } catch (err) {
    showError('classify', err);
  }
}

function showScreen(which: 'choose' | 'results'): void {
  byId('screen-choose').hidden = which !== 'choose';
  byId('screen-results').hidden = which !== 'results';
  window.scrollTo(0, 0);
  byId(which === 'results' ? 'results-title' : 'photo-title').focus();
}

// ---- wiring -------------------------------------------------------------------------------

function filesOf(input: HTMLInputElement): File[] {
  return input.files ? Array.from(input.files) : [];
}

byId('alert-dismiss').addEventListener('click', clearError);
byId<HTMLInputElement>('open-model').addEventListener('change', (e) => {
  const input = e.currentTarget as HTMLInputElement;
  void openModelFiles(filesOf(input)).finally(() => (input.value = ''));
});
byId<HTMLInputElement>('labels-input').addEventListener('change', (e) => {
  const input = e.currentTarget as HTMLInputElement;
  const file = filesOf(input)[0];
  if (file) void applyLabels(file).finally(() => (input.value = ''));
});
byId('show-models').addEventListener('click', (e) => {
  const button = e.currentTarget as HTMLButtonElement;
  const panel = byId('model-list-panel');
  panel.hidden = !panel.hidden;
  button.setAttribute('aria-expanded', String(!panel.hidden));
});
for (const id of ['take-photo', 'choose-photo']) {
  byId<HTMLInputElement>(id).addEventListener('change', (e) => {
    const file = filesOf(e.currentTarget as HTMLInputElement)[0];
    if (file) void usePhotoFile(file);
  });
}
const liveButton = byId<HTMLButtonElement>('live-camera');
liveButton.hidden = false;
liveButton.addEventListener('click', () => {
  if (!liveCameraAvailable()) {
    const secure = window.isSecureContext;
    showError(
      'camera',
      new Error(
        secure
          ? 'this browser has no camera access (getUserMedia); use “Take photo” instead'
          : 'the live camera needs https or localhost; open the https address (npm start -- --https) or use “Take photo”',
      ),
    );
    return;
  }
  void startCamera();
});
byId('shutter').addEventListener('click', () => void takePicture());
byId('camera-cancel').addEventListener('click', stopCamera);
document.addEventListener('visibilitychange', () => {
  if (document.hidden && !cameraPanel.hidden) stopCamera();
});
classifyButton.addEventListener('click', () => void classify());
byId('try-another').addEventListener('click', () => {
  clearPhoto();
  showScreen('choose');
});

// Installation: offer a button when the browser says the app can be installed.
let installPrompt: (Event & { prompt(): Promise<void> }) | undefined;
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  installPrompt = e as Event & { prompt(): Promise<void> };
  byId('install').hidden = false;
});
byId('install').addEventListener('click', () => {
  void installPrompt?.prompt();
  byId('install').hidden = true;
});

refresh();
registerServiceWorker();
void (async () => {
  for (const entry of CATALOG) if (await isCached(entry)) listState.set(entry.id, { cached: true });
  refresh();
})();
void loadStartupModel();
