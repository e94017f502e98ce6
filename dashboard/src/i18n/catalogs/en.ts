/**
 * The dashboard's English messages, in ICU MessageFormat (plurals, selects, numbers). This file
 * defines the message ids: fr-CA.ts must have exactly the same ones (the compiler checks it). How to
 * add a string: dashboard/README.md.
 */
export const en = {
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

  // Catalog page, board editor
  'catalog.title': 'Catalog',
  'catalog.search': 'Search boards',
  'catalog.searchPlaceholder': 'Search vendor, model, chip, notes…',
  'catalog.new': 'New board',
  'catalog.count': '{count, plural, =0 {No boards} one {# board} other {# boards}}',
  'catalog.pictures': 'reference pictures',
  'catalog.pictureAlt': '{board} reference {id}',
  'catalog.noPictures': 'no pictures yet',
  'catalog.morePictures': '+{count, number}',
  'catalog.references': '{count, plural, one {# reference} other {# references}}',
  'catalog.edit': 'Edit',
  'catalog.delete': 'Delete',
  'catalog.deleted': '{board} deleted.',
  'catalog.deleteTitle': 'Delete {board}?',
  'catalog.deleteMessage':
    'This removes the board and its {count, plural, one {# reference picture} other {# reference pictures}}. Past recognitions keep its name in the history.',
  'catalog.deleteConfirm': 'Delete board',
  'editor.editTitle': 'Edit {board}',
  'editor.newTitle': 'New board',
  'editor.saved': '{board} saved.',
  'editor.created': '{board} created.',
  'editor.save': 'Save changes',
  'editor.create': 'Create board',
  'editor.references': 'Reference pictures ({count, number})',
  'editor.referenceAlt':
    '{source, select, upload {Reference {id} (uploaded)} slot {Reference {id} (from a slot)} other {Reference {id}}}',
  'editor.deleteReference': 'Delete reference {id}',
  'editor.referenceDeleted': 'Reference picture deleted.',
  'editor.deleteReferenceTitle': 'Delete this reference picture?',
  'editor.deleteReferenceMessage': 'The board will no longer be matched against it.',
  'editor.deleteReferenceConfirm': 'Delete picture',

  // reference upload
  'upload.chooseBoard': 'Choose the board these pictures show.',
  'upload.chooseFiles': 'Choose one or more image files.',
  'upload.files': 'Images (JPEG, PNG or WebP; several at once)',
  'upload.pick': 'Choose images…',
  'upload.picked': '{count, plural, =0 {No image chosen} one {# image chosen} other {# images chosen}}',
  'upload.submit': 'Upload',
  'upload.uploading': 'Uploading {current, number} of {total, number}…',
  'upload.result': '{ok, number} of {total, plural, one {# picture} other {# pictures}} added as references.',
  'upload.done': '{added, number} of {total, number} added{failed, plural, =0 {} other {, # failed}}',
  'upload.fileProgress': '{name} upload',
  'upload.state': '{state, select, waiting {waiting} uploading {uploading} done {done} other {{state}}}',

  // History page
  'history.title': 'History',
  'history.csv': 'Export CSV',
  'history.refresh': 'Refresh',
  'history.refreshNew': 'Refresh ({count, plural, one {# new} other {# new}})',
  'history.none': 'No recognitions',
  'history.showing':
    'Showing {first, number}–{last, number} of {total, plural, one {# recognition} other {# recognitions}}',
  'history.time': 'Time',
  'history.match': 'Match',
  'history.serial': 'Serial',
  'history.picture': 'Picture',
  'history.unknown': 'Unknown',
  'history.byLabel': 'by label',
  'history.removed': 'removed',
  'history.removedHint': 'Removed from the catalog since',
  'history.byLabelHint': 'The label named another board than vision did',
  'history.pictureAlt': 'Slot {slot} at {time}',
  'history.pages': 'History pages',
  'history.newer': '← Newer',
  'history.older': 'Older →',
  'history.page': 'Page {page, number} of {pages, number}',
  'filters.label': 'History filters',
  'filters.allBoards': 'All boards',
  'filters.unknownOnly': 'Unknown only',
  'filters.anySlot': 'any',
  'filters.from': 'From',
  'filters.to': 'To',
  'filters.search': 'Serial or label text',
  'filters.searchPlaceholder': 'e.g. HKYTZ2BB or S19J',
  'filters.clear': 'Clear filters',
  'days.none': 'No recognitions match these filters.',
  'days.caption':
    'Recognitions per day ({total, plural, one {# recognition} other {# recognitions}} in {days, plural, one {# day} other {# days}})',
  'days.bar': '{date}: {count, number}',

  // errors: the API's stable codes (src/errors.ts) the dashboard explains itself; other codes show
  // the daemon's own message. E_OFFLINE and E_HTTP are the dashboard's own (no answer, no JSON).
  'error.E_OFFLINE': 'The daemon cannot be reached: is it running?',
  'error.E_HTTP': 'The daemon answered with HTTP status {status}.',
  'error.E_AUTH': 'Your session has ended or the password was wrong: log in again.',
  'error.E_FORBIDDEN': 'Your account may not do this: ask an administrator.',
  'error.E_LOCKED': 'Too many login attempts: wait a few seconds and try again.',
  'error.E_CAPTURE_EXPIRED':
    'The picture taken when this dialog opened is no longer kept: take the picture again.',
  'error.E_NOT_FOUND': 'Not found: it may have just been deleted. Reload the page.',
  'error.E_CONFLICT': 'A board with this vendor and model already exists: edit that board instead.',
  'error.E_IMAGE_INVALID': 'This file is not a picture the daemon can read: use JPEG, PNG or WebP.',
  'error.E_IMAGE_TOO_LARGE': 'This picture is larger than the daemon accepts: use a smaller file.',
  'error.E_DB_WRITE': 'The daemon could not save this (disk full or read-only?): nothing was changed.',

  // login page
  'login.title': 'benchsight: log in',
  'login.user': 'User',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.wrong': 'Wrong user name or password.',

  // hardware facts and part numbers
  'part.label': 'Part number',
  'part.factsCount': '{code}: {models} hashboard, {chip} × {count, number} (from its part number)',
  'part.factsChip': '{code}: {models} hashboard, {chip} (from its part number)',
  'part.facts': '{code}: {models} hashboard (from its part number)',
  'part.noFamily': '{code}: part number read, in no known family: nothing is claimed about it.',
  'part.conflict': 'The part number {code} says {chip}, but this board is entered with {boardChip}.',
  'part.enrollAs': 'Enroll as {model}…',
  'part.enrollAsFamily': 'Enroll as a {code} board…',
  'form.modelHint': 'Pick a known model to fill in its chips from the hardware reference',
  'form.chipCountWarning':
    'The hardware reference says {expected, number} chips for {model}: keep {count, number} only if this board was reworked.',
  'about.open': 'About',
  'about.title': 'About benchsight',
  'about.product': 'benchsight recognizes mining boards on the repair bench with a camera.',
  'about.hardware':
    'Hardware facts (models, chips per board, part-number families; version {version} of {updated}) come from <a>{credit}</a>, under CC BY 4.0. Each fact names its source; a value no source states stays empty.',
} as const;

export type MessageId = keyof typeof en;
