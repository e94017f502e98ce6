import type { MessageId } from './en.ts';
import type { enRecords } from './en-records.ts';
import { frCARecords } from './fr-CA-records.ts';

/**
 * The dashboard in French as written in Québec (OQLF): a no-break space (U+00A0) before « : » and
 * inside « », none before « ? » or « ! »; numbers, percentages and dates come from Intl (fr-CA).
 * Shop words: board = carte, slot = emplacement, tag = mot-clé, label = étiquette, upload =
 * téléverser, daemon = service; hashboard and product names stay as they are.
 */
const frCAShell: Record<Exclude<MessageId, keyof typeof enRecords>, string> = {
  'app.skip': 'Aller au contenu',
  'app.pages': 'Pages',
  'app.language': 'Langue',
  'page.live': 'En direct',
  'page.enroll': 'Ajouter',
  'page.catalog': 'Catalogue',
  'page.history': 'Historique',
  'lang.en': 'English',
  'lang.fr-CA': 'Français',

  'common.cancel': 'Annuler',
  'common.close': 'Fermer',
  'common.choose': 'Choisir…',
  'common.loading': 'Chargement…',
  'common.saving': 'Enregistrement…',
  'common.board': 'Carte',
  'common.slot': 'Emplacement',
  'common.slotName': 'Emplacement « {slot} »',
  'common.none': '–',
  'common.since': 'depuis {time}',

  'kind.hashboard': 'Hashboard',
  'kind.control-board': 'Carte de contrôle',
  'kind.psu': 'Bloc d’alimentation',
  'kind.empty-bench': 'Banc vide (référence)',
  'kind.other': 'Autre',
  'state.recognized': 'Reconnue',
  'state.unknown': 'Carte inconnue',
  'state.empty': 'Vide',
  'state.pending': 'En attente d’une image stable',
  'chips.typeAndCount': '{count, plural, one {# puce {type}} other {# puces {type}}}',
  'chips.type': 'Puces {type}',
  'chips.count': '{count, plural, one {# puce} other {# puces}}',

  'connection.lost': 'Déconnecté du service benchsight',
  'connection.retrying':
    'depuis {time}. Reconnexion automatique — la vue en direct reprendra dès le retour du service.',
  'camera.unknown': 'Caméra : état inconnu (pas de connexion au service)',
  'camera.kind':
    '{kind, select, webcam {webcam} stream {flux réseau} folder {dossier d’images} other {{kind}}}',
  'camera.online': 'Caméra en ligne',
  'camera.suspect': 'Caméra en ligne, image douteuse',
  'camera.state':
    '{state, select, starting {Caméra en démarrage} offline {Caméra hors ligne} error {Caméra en erreur} stopped {Caméra arrêtée} other {Caméra : {state}}}',

  'live.title': 'Banc en direct',
  'live.waiting': 'En attente du premier état envoyé par le service…',
  'live.benches': 'Établis',
  'live.allBenches': '← Tous les établis',
  'bench.open': 'Ouvrir l’établi {camera}',
  'bench.slots': '{count, plural, one {# emplacement} other {# emplacements}}',
  'slot.camera': 'Caméra {camera}',
  'live.notLive': 'Pas en direct : aucune connexion au service',
  'live.noPicture':
    '{state, select, starting {Pas d’image en direct : caméra en démarrage} offline {Pas d’image en direct : caméra hors ligne} error {Pas d’image en direct : caméra en erreur} stopped {Pas d’image en direct : caméra arrêtée} other {Pas d’image en direct : caméra {state}}}',
  'frame.label': 'Image de la caméra en direct',
  'frame.caption': 'Image {seq} · {time}',
  'frame.none': 'Aucune image pour l’instant',
  'frame.waiting': 'En attente de la première image…',
  'frame.slotTag': '{slot} : {what}',

  'status.label': 'État de la caméra et du traitement',
  'status.restarts': '{count, plural, one {# redémarrage} other {# redémarrages}}',
  'status.captured': 'captées',
  'status.encoded': 'encodées',
  'status.encode': 'encodage',
  'status.match': 'comparaison',
  'unit.fps': 'i/s',
  'unit.ms': 'ms',
  'status.storageFailing': 'Échec de l’enregistrement de l’historique : {reason}',
  'status.storageLow': 'Espace bas pour l’historique : {reason}',
  'status.modelSwitch':
    'Changement de modèle pour {target} : {done, plural, one {# référence sur {total, number} réencodée} other {# références sur {total, number} réencodées}}.',
  'status.modelSwitchFailed':
    'Changement de modèle pour {target} : {done, plural, one {# référence sur {total, number} réencodée} other {# références sur {total, number} réencodées}} (échec : {error}).',
  'status.randomWeights':
    'Le modèle « {name} » a des poids aléatoires : seules les copies exactes des photos ajoutées sont reconnues. Installez un encodeur entraîné pour un usage réel.',
  'status.mqtt':
    '{state, select, connected {MQTT connecté} connecting {MQTT en connexion} refused {MQTT : connexion refusée} other {MQTT arrêté}} · {url}',
  'status.mqttQueued': '{count, plural, one {# événement en attente} other {# événements en attente}}',
  'status.mqttDropped': '{count, plural, one {# événement perdu} other {# événements perdus}}',
  'status.webhooks': 'Webhooks : {count, plural, one {# événement livré} other {# événements livrés}}',
  'status.webhookFailing': '{url} en échec : {error}',
  'status.central':
    '{state, select, connected {Serveur central connecté} connecting {Serveur central en connexion} unreachable {Serveur central injoignable} refused {Serveur central : connexion refusée} schema {Serveur central : schéma absent} other {Serveur central arrêté}} · {box} · {url}',
  'status.centralPending':
    '{count, plural, one {# modification en attente d’envoi} other {# modifications en attente d’envoi}}',
  'chart.label':
    'Graphique des images captées et encodées par seconde et des temps d’encodage et de comparaison des dernières minutes',
  'chart.captured': 'captées i/s',
  'chart.encoded': 'encodées i/s',
  'chart.encode': 'encodage ms',
  'chart.match': 'comparaison ms',

  'slot.namedByLabel': 'Nommée par son étiquette',
  'slot.match': '<big>{score}</big> de correspondance',
  'slot.inliers': 'Contour vérifié : {inliers} points concordants',
  'inspect.title': 'Contrôle visuel',
  'inspect.chips': '{found} / {expected} puces',
  'inspect.chipsFound': '{found, plural, one {# puce} other {# puces}}',
  'inspect.missing': '{label} manquante',
  'inspect.differs': '{label} différente',
  'inspect.more': '+{count} autres',
  'inspect.hidden':
    '{count, plural, one {# pièce cachée sous une main ou un outil : non contrôlée} other {# pièces cachées sous une main ou un outil : non contrôlées}}',
  'inspect.showHeatmap': 'Montrer les différences',
  'inspect.hideHeatmap': 'Cacher les différences',
  'inspect.heatmapAlt': 'Où la carte diffère de sa référence',
  'inspect.showOnPicture': 'Montrer les numéros des puces sur l’image en direct',
  'inspect.hideOnPicture': 'Cacher les numéros des puces',
  'inspect.verdict.present': '{label} : présente',
  'inspect.verdict.missing': '{label} : manquante',
  'inspect.verdict.differs': '{label} : différente de la carte de référence',
  'inspect.verdict.hidden': '{label} : cachée sous une main ou un outil',
  'slot.confidence': 'degré de correspondance',
  'slot.namedFrom': 'nommée à partir de {threshold}',
  'slot.notes': 'Notes de réparation et réglages de test',
  'slot.tags': 'mots-clés',
  'slot.runnersUp': 'Autres candidates',
  'slot.closest': 'Candidates les plus proches',
  'slot.unknownHint':
    'Il y a quelque chose sur le banc, mais rien dans le catalogue ne correspond assez. Si vous savez ce que c’est, apprenez-le au banc avec « C’est… ».',
  'slot.notSure':
    'Meilleure correspondance {score}, {margin} devant la suivante : pas assez sûr pour la nommer.',
  'slot.emptyHint': 'Rien dans cet emplacement. Déposez une carte et gardez-la immobile un instant.',
  'slot.looking': 'Recherche…',
  'slot.lookingHint': 'En attente d’une image stable de cet emplacement.',
  'slot.thisIs': 'C’est…',
  'slot.correctIt': 'C’est… (corriger)',
  'slot.noPicture': 'Pas d’image',
  'slot.offlineNoEnroll': 'La caméra est hors ligne : aucune image à enregistrer',

  'ocr.reading': 'Lecture de l’étiquette…',
  'ocr.label': 'Texte sur la carte',
  'ocr.disagrees': 'Le texte dit <b>{text}</b>, la vision dit <b>{vision}</b> : on se fie à l’étiquette.',
  'ocr.unknownBoard': 'inconnue',
  'ocr.confirmed': 'L’étiquette le confirme.',
  'ocr.serial': 'Numéro de série',
  'ocr.notRead': 'Étiquette non lue : {error}',
  'ocr.lines': 'Texte de l’étiquette',
  'ocr.noText': 'Aucun texte trouvé sur la carte.',

  'enroll.title': 'Ajouter des cartes',
  'enroll.fromLive': 'À partir de la vue en direct',
  'enroll.fromLiveHint':
    'Déposez la carte dans un emplacement, attendez que l’image soit stable, puis appuyez sur « C’est… » et dites de quelle carte il s’agit. L’image devient une référence et les prochaines images stables la reconnaîtront.',
  'enroll.slotPicture': 'Image en direct de l’emplacement {slot}',
  'enroll.slotShows': '<b>Emplacement « {slot} »</b> : {what}',
  'enroll.upload': 'Téléverser des photos de référence',
  'enroll.notInCatalog': 'Une carte qui n’est pas encore au catalogue :',
  'firstRun.title': 'Premiers pas : présentez le banc',
  'firstRun.bench':
    '<b>Ajoutez le banc vide.</b> Dégagez le banc, appuyez sur « C’est… » sur un emplacement et créez une carte de type « {kind} » : les emplacements vides afficheront alors « Vide » au lieu de « Carte inconnue ».',
  'firstRun.boards':
    '<b>Ajoutez chaque carte.</b> Déposez une carte dans un emplacement et appuyez sur « C’est… », ou <link>créez une carte à la page Ajouter des cartes</link> et téléversez-en des photos.',
  'firstRun.done': 'Fait.',
  'enroll.uploadHint':
    'Des photos d’une carte prises sur d’autres bancs ou sous d’autres angles rendent la reconnaissance plus fiable.',
  'dialog.thisIs': 'C’est… (emplacement « {slot} »)',
  'dialog.currentPicture': 'L’emplacement {slot} tel qu’il sera enregistré',
  'dialog.takingPicture': 'Prise de l’image…',
  'dialog.retake': 'Reprendre l’image',
  'dialog.noPicture': 'Il n’y a pas encore d’image de cet emplacement à enregistrer : reprenez l’image.',
  'dialog.pictureHint': 'Cette image de l’emplacement devient une photo de référence de la carte choisie.',
  'dialog.existing': 'Une carte du catalogue',
  'dialog.new': 'Une nouvelle carte',
  'dialog.catalogBoard': 'Carte du catalogue',
  'dialog.find': 'Chercher',
  'dialog.findPlaceholder': 'fabricant, modèle, puce…',
  'dialog.loadingCatalog': 'Chargement du catalogue…',
  'dialog.likeThis': '{score} semblable à cette image',
  'dialog.chooseBoard': 'Choisissez la carte qui est dans cet emplacement, ou créez-en une nouvelle.',
  'dialog.boardGone': 'Cette carte n’existe plus : choisissez-en une autre.',
  'dialog.added': 'Image ajoutée à {board} : elle sera reconnue sur les prochaines images stables.',
  'dialog.createAndAdd': 'Créer la carte et ajouter l’image',
  'dialog.addToBoard': 'Ajouter l’image à cette carte',

  'form.vendor': 'Fabricant',
  'form.model': 'Modèle',
  'form.kind': 'Type',
  'form.chipType': 'Type de puce',
  'form.chipTypeHint': 'p. ex. BM1362',
  'form.chipCount': 'Nombre de puces',
  'form.notes': 'Notes',
  'form.notesHint': 'Conseils de réparation et réglages de test affichés sur la carte en direct',
  'form.tags': 'Mots-clés',
  'form.tagsHint': 'Séparés par des virgules',
  'form.textPattern': 'Motif de l’étiquette',
  'form.textPatternHint':
    'Expression régulière que le modèle imprimé doit respecter (majuscules ou minuscules), p. ex. S19J?-?PRO-HB : l’étiquette confirme ou corrige alors la reconnaissance visuelle',
  'form.atMost': '{max, plural, one {Au plus # caractère.} other {Au plus # caractères.}}',
  'form.vendorMissing': 'Entrez le fabricant, p. ex. Bitmain.',
  'form.modelMissing': 'Entrez le modèle, p. ex. S19j Pro hashboard.',
  'form.kindMissing': 'Choisissez le type de carte.',
  'form.chipCountInvalid': 'Un nombre entier de 0 à {max, number}, ou vide.',
  'form.tagsInvalid': 'Jusqu’à {count, number} mots-clés de {length, number} caractères.',
  'form.patternInvalid': 'Expression régulière invalide, p. ex. S19J?-?PRO',
};

/** Every French message: the pages' own (above) and those of fr-CA-records.ts. */
export const frCA: Record<MessageId, string> = { ...frCAShell, ...frCARecords };
