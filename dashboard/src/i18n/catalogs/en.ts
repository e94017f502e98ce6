import { enRecords } from './en-records.ts';

/**
 * The dashboard's English messages, in ICU MessageFormat (plurals, selects, numbers). This file
 * defines the message ids: fr-CA.ts must have exactly the same ones (the compiler checks it). How to
 * add a string: dashboard/README.md.
 */
const enShell = {
  // header, pages, language
  'app.skip': 'Skip to content',
  'app.pages': 'Pages',
  'app.language': 'Language',
  'page.live': 'Live',
  'page.enroll': 'Enroll',
  'page.catalog': 'Catalog',
  'page.history': 'History',
  'lang.en': 'English',
  'lang.fr-CA': 'Français',

  // words used in several places
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.choose': 'Choose…',
  'common.loading': 'Loading…',
  'common.saving': 'Saving…',
  'common.board': 'Board',
  'common.slot': 'Slot',
  'common.slotName': 'Slot “{slot}”',
  'common.none': '–',
  'common.since': 'since {time}',

  // what a board is, what a slot shows
  'kind.hashboard': 'Hashboard',
  'kind.control-board': 'Control board',
  'kind.psu': 'Power supply',
  'kind.empty-bench': 'Empty bench (reference)',
  'kind.other': 'Other',
  'state.recognized': 'Recognized',
  'state.unknown': 'Unknown board',
  'state.empty': 'Empty',
  'state.pending': 'Waiting for a stable picture',
  'chips.typeAndCount': '{count, plural, one {# × {type} chip} other {# × {type} chips}}',
  'chips.type': '{type} chips',
  'chips.count': '{count, plural, one {# chip} other {# chips}}',

  // connection and camera
  'connection.lost': 'Disconnected from the daemon',
  'connection.retrying':
    'since {time}. Reconnecting by itself — the live view resumes when the daemon is back.',
  'camera.unknown': 'Camera: unknown (no connection to the daemon)',
  'camera.kind':
    '{kind, select, webcam {webcam} stream {network stream} folder {picture folder} other {{kind}}}',
  'camera.online': 'Camera online',
  'camera.suspect': 'Camera online, picture suspect',
  'camera.state':
    '{state, select, starting {Camera starting} offline {Camera offline} error {Camera error} stopped {Camera stopped} other {Camera {state}}}',

  // Live page
  'live.title': 'Live bench',
  'live.waiting': 'Waiting for the daemon’s first snapshot…',
  'live.notLive': 'Not live: no connection to the daemon',
  'live.benches': 'Benches',
  'live.allBenches': '← All benches',
  'bench.open': 'Open bench {camera}',
  'bench.slots': '{count, plural, one {# slot} other {# slots}}',
  'slot.camera': 'Camera {camera}',
  'live.noPicture':
    '{state, select, starting {No live picture: camera starting} offline {No live picture: camera offline} error {No live picture: camera error} stopped {No live picture: camera stopped} other {No live picture: camera {state}}}',
  'frame.label': 'Live camera frame',
  'frame.caption': 'Frame {seq} · {time}',
  'frame.none': 'No frame yet',
  'frame.waiting': 'Waiting for the first frame…',
  'frame.slotTag': '{slot}: {what}',

  // status panel and timing chart
  'status.label': 'Camera and pipeline status',
  'status.restarts': '{count, plural, one {# restart} other {# restarts}}',
  'status.captured': 'captured',
  'status.encoded': 'encoded',
  'status.encode': 'encode',
  'status.match': 'match',
  'unit.fps': 'fps',
  'unit.ms': 'ms',
  'status.storageFailing': 'History storage failing: {reason}',
  'status.storageLow': 'History storage low: {reason}',
  'status.modelSwitch':
    'Switching the model to {target}: {done, number} of {total, plural, one {# reference} other {# references}} re-embedded.',
  'status.modelSwitchFailed':
    'Switching the model to {target}: {done, number} of {total, plural, one {# reference} other {# references}} re-embedded (failed: {error}).',
  'status.randomWeights':
    'The model “{name}” has random weights: only exact copies of enrolled pictures are recognized. Install a trained encoder for real use.',
  'status.mqtt':
    '{state, select, connected {MQTT connected} connecting {MQTT connecting} refused {MQTT login refused} other {MQTT stopped}} · {url}',
  'status.mqttQueued': '{count, plural, one {# event waiting} other {# events waiting}}',
  'status.mqttDropped': '{count, plural, one {# event dropped} other {# events dropped}}',
  'status.webhooks': 'Webhooks: {count, plural, one {# event delivered} other {# events delivered}}',
  'status.central':
    '{state, select, connected {Central connected} connecting {Central connecting} unreachable {Central unreachable} refused {Central login refused} schema {Central schema missing} other {Central stopped}} · {box} · {url}',
  'status.centralPending':
    '{count, plural, one {# change waiting to be sent} other {# changes waiting to be sent}}',
  'status.webhookFailing': '{url} failing: {error}',
  'chart.label':
    'Chart of captured and encoded frames per second and encode and match times over the last minutes',
  'chart.captured': 'captured fps',
  'chart.encoded': 'encoded fps',
  'chart.encode': 'encode ms',
  'chart.match': 'match ms',

  // slot card
  'slot.namedByLabel': 'Named by its label',
  'slot.match': '<big>{score}</big> match',
  'slot.inliers': 'Outline checked: {inliers} matching points',
  'inspect.title': 'Inspection',
  'inspect.chips': '{found} / {expected} chips',
  'inspect.chipsFound': '{found, plural, one {# chip} other {# chips}}',
  'inspect.missing': '{label} missing',
  'inspect.differs': '{label} differs',
  'inspect.more': '+{count} more',
  'inspect.hidden':
    '{count, plural, one {# part hidden} other {# parts hidden}} under a hand or a tool: not inspected',
  'inspect.showHeatmap': 'Show differences',
  'inspect.hideHeatmap': 'Hide differences',
  'inspect.heatmapAlt': 'Where the board differs from its golden reference',
  'inspect.showOnPicture': 'Show chip numbers on the live picture',
  'inspect.hideOnPicture': 'Hide chip numbers',
  'inspect.verdict.present': '{label}: present',
  'inspect.verdict.missing': '{label}: missing',
  'inspect.verdict.differs': '{label}: differs from the golden board',
  'inspect.verdict.hidden': '{label}: hidden under a hand or a tool',
  'slot.confidence': 'match confidence',
  'slot.namedFrom': 'named from {threshold}',
  'slot.notes': 'Repair notes & test settings',
  'slot.tags': 'tags',
  'slot.runnersUp': 'Runner-up candidates',
  'slot.closest': 'Closest candidates',
  'slot.unknownHint':
    'Something is on the bench but it matches no catalog board well enough. If you know what it is, teach it with “This is…”.',
  'slot.notSure': 'Best match {score}, {margin} ahead of the runner-up: not sure enough to name it.',
  'slot.emptyHint': 'Nothing in this slot. Put a board down and hold it still for a moment.',
  'slot.looking': 'Looking…',
  'slot.lookingHint': 'Waiting for a stable picture of this slot.',
  'slot.thisIs': 'This is…',
  'slot.correctIt': 'This is… (correct it)',
  'slot.noPicture': 'No picture',
  'slot.offlineNoEnroll': 'The camera is offline: there is no picture to enroll',

  // label text (OCR)
  'ocr.reading': 'Reading the label…',
  'ocr.label': 'Text on the board',
  'ocr.disagrees': 'Text says <b>{text}</b>, vision says <b>{vision}</b>: going by the label.',
  'ocr.unknownBoard': 'unknown',
  'ocr.confirmed': 'The label confirms it.',
  'ocr.serial': 'Serial',
  'ocr.notRead': 'Label not read: {error}',
  'ocr.lines': 'Label text',
  'ocr.noText': 'No text found on the board.',

  // Enroll page and "This is…" dialog
  'enroll.title': 'Enroll boards',
  'enroll.fromLive': 'From the live view',
  'enroll.fromLiveHint':
    'Put the board in a slot, wait until the picture is still, then press “This is…” and say which board it is. The picture becomes a reference and the next stable frames recognize it.',
  'enroll.slotPicture': 'Live picture of slot {slot}',
  'enroll.slotShows': '<b>Slot “{slot}”</b>: {what}',
  'enroll.upload': 'Upload reference images',
  'enroll.notInCatalog': 'A board that is not in the catalog yet:',
  'firstRun.title': 'First steps: teach the bench',
  'firstRun.bench':
    '<b>Enroll the empty bench.</b> Clear the bench, press “This is…” on a slot and create a board of kind “{kind}”: empty slots then read “Empty” instead of “Unknown board”.',
  'firstRun.boards':
    '<b>Enroll each board.</b> Put a board in a slot and press “This is…”, or <link>create a board on the Enroll page</link> and upload photos of it.',
  'firstRun.done': 'Done.',
  'enroll.uploadHint': 'Photos of a board from other benches or angles make recognition more reliable.',
  'dialog.thisIs': 'This is… (slot “{slot}”)',
  'dialog.currentPicture': 'Slot {slot} as it will be saved',
  'dialog.takingPicture': 'Taking the picture…',
  'dialog.retake': 'Take the picture again',
  'dialog.noPicture': 'There is no picture of this slot to save yet: take the picture again.',
  'dialog.pictureHint': 'This picture of the slot becomes a reference image of the board you choose.',
  'dialog.existing': 'A board in the catalog',
  'dialog.new': 'A new board',
  'dialog.catalogBoard': 'Catalog board',
  'dialog.find': 'Find',
  'dialog.findPlaceholder': 'vendor, model, chip…',
  'dialog.loadingCatalog': 'Loading the catalog…',
  'dialog.likeThis': '{score} like this picture',
  'dialog.chooseBoard': 'Choose the board that is in this slot, or create a new one.',
  'dialog.boardGone': 'That board no longer exists: choose another one.',
  'dialog.added': 'Added the picture to {board}: it will be recognized on the next stable frames.',
  'dialog.createAndAdd': 'Create board and add picture',
  'dialog.addToBoard': 'Add picture to this board',

  // board form
  'form.vendor': 'Vendor',
  'form.model': 'Model',
  'form.kind': 'Kind',
  'form.chipType': 'Chip type',
  'form.chipTypeHint': 'e.g. BM1362',
  'form.chipCount': 'Chip count',
  'form.notes': 'Notes',
  'form.notesHint': 'Repair hints and test settings shown on the live card',
  'form.tags': 'Tags',
  'form.tagsHint': 'Comma separated',
  'form.textPattern': 'Label pattern',
  'form.textPatternHint':
    'Regular expression the printed model string matches (any case), e.g. S19J?-?PRO-HB: the label then confirms or corrects the visual match',
  'form.atMost': '{max, plural, one {At most # character.} other {At most # characters.}}',
  'form.vendorMissing': 'Enter the vendor, e.g. Bitmain.',
  'form.modelMissing': 'Enter the model, e.g. S19j Pro hashboard.',
  'form.kindMissing': 'Choose what kind of board this is.',
  'form.chipCountInvalid': 'A whole number from 0 to {max, number}, or empty.',
  'form.tagsInvalid': 'Up to {count, number} tags of {length, number} characters.',
  'form.patternInvalid': 'Not a valid regular expression, e.g. S19J?-?PRO',
} as const;

/** Every English message: the pages' own (above) and those of en-records.ts. */
export const en = { ...enShell, ...enRecords } as const;

export type MessageId = keyof typeof en;
