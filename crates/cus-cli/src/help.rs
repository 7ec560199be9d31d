//! The text of `cus --help`, also printed by `-h` after a command.

pub const HELP: &str = "\
cus — conventions d'utilité sociale : indicateurs, vérification, conversion et consolidation

Utilisation :
  cus <commande> [options]

Commandes :
  check         Vérifie des fichiers de convention (ODS, XLSX, CSV, JSON) : import, puis
                toutes les règles ; affiche les diagnostics
  convert       Convertit un fichier de convention d'un format à l'autre
  consolider    Consolide les conventions de plusieurs organismes sur un territoire (région,
                département, EPCI) : totaux, « non ventilé », objectifs, compilation
  catalogue     Affiche le catalogue des indicateurs (toutes générations et types de CUS)
  territoires   Liste le référentiel territorial : départements, EPCI et EPT

Options générales :
  -h, --help       Affiche cette aide
  -V, --version    Affiche la version

Utilisation de « cus check » :
  cus check FICHIER|DOSSIER... [--format texte|json|csv] [--catalogue FICHIER] [--evaluation]
  Un dossier : tous ses fichiers .ods, .xlsx, .csv et .json (sans ses sous-dossiers).
  Les règles de l'évaluation (réalisations saisies) sont listées à part, sous leur titre ;
  --evaluation ajoute la synthèse de l'évaluation (« 80 % de l'objectif de PP-1 … ») et
  chaque ligne d'engagement (engagé, réalisé, taux, écart, justification) ; --format csv
  donne ces lignes pour un tableur.
  Code de sortie : 0 aucune erreur, 1 erreurs trouvées, 2 fichier illisible.

Utilisation de « cus convert » :
  cus convert ENTREE SORTIE [--final] [--catalogue FICHIER]
      Le format de SORTIE suit son extension (.ods, .xlsx, .csv ou .json).
  cus convert DOSSIER_ENTREE DOSSIER_SORTIE --vers ods|xlsx|csv|json
      Convertit chaque fichier du dossier ; le dossier de sortie est créé au besoin.
  Sans --final, le fichier produit est un brouillon (marqué comme tel dans le fichier).
  --final est refusé tant qu'il reste des erreurs ou des avertissements non acquittés
  (code de sortie 1, diagnostics affichés). La date d'export est l'heure du système,
  ou la valeur de la variable d'environnement CUS_DATE_EXPORT (2026-11-25T17:30:00Z).
  --catalogue ajoute un catalogue (.toml ou .json) aux catalogues intégrés.

Utilisation de « cus consolider » :
  cus consolider FICHIER|DOSSIER... --territoire epci:200093201|departement:59|region:32
      [--format texte|json|csv|ods|xlsx] [--sortie FICHIER] [--objectifs FICHIER]
      [--periode-precedente FICHIER] [--cles FICHIER] [--scenario FICHIER] [--millesime 2026]
      [--nom NOM] [--catalogue FICHIER]
  Additionne ce qui s'additionne à la maille du territoire ; un organisme engagé seulement à
  une maille plus large est montré à part (« non ventilé »), jamais réparti en silence ; les
  pourcentages, montants et durées sont donnés en minimum, médiane et maximum. Le texte se
  termine par la synthèse régionale (phrases clés et tableaux, comme la page « Compilation
  régionale »).
  --format     texte (résumé en français, par défaut), json, csv, ou les classeurs ods et xlsx
               (ceux-ci exigent --sortie) ; sans --format, l'extension de --sortie choisit.
  --sortie     Écrit dans ce fichier au lieu de la sortie standard.
  --objectifs  Objectifs du territoire : CSV indicateur;ventilation;periode;valeur
               (PP-1;PLAI;2019-2024;1 200 ; période : une année civile 2022, un cumul
               2019-2024, fin-2021 pour un niveau), ou tableau JSON ; une ligne fausse est nommée.
  --periode-precedente
               Chiffres de la période précédente (CUS de 1re génération : réalisations
               2005-2010 de l'État) : CSV indicateur;ventilation;periode;valeur[;territoire
               [;organisme]] (A.I;PLAI;2005-2010;3 190 ; A.I;total;2005-2010;20 963;59) ;
               la synthèse les compare aux engagements et les dit « chiffres saisis ».
  --cles       Clés de répartition des organismes non ventilés : CSV fichier;cle
               (org-b.ods;25 %) ; le résultat est une estimation, signalée partout.
  --scenario   Scénario JSON ({\"name\": …, \"changes\": […]}), appliqué aux chiffres lus.
  --millesime  Découpage territorial (2026 par défaut).
  Un fichier est désigné par son nom (org-b.ods) dans les clés et le scénario. Deux fichiers du
  même organisme (SIREN) sur le même catalogue : seul le dernier est consolidé, et c'est dit.
  Code de sortie : 0 tout est lu, 1 fichiers consolidés malgré des erreurs, 2 fichier illisible
  (non consolidé, listé) ou fichier d'objectifs, de clés ou de scénario invalide (rien n'est
  consolidé).

Options de « cus catalogue » :
  --format texte|json|markdown   Format de sortie (texte par défaut)
  --fichier CHEMIN               Lit et vérifie ce fichier de catalogue (.toml ou .json)
                                 au lieu des catalogues intégrés ; plusieurs --fichier possibles

Utilisation de « cus territoires » :
  cus territoires departements [--millesime 2026] [--format texte|json]
  cus territoires epci [--departement 59] [--millesime 2026] [--format texte|json]
  cus territoires chercher TEXTE [--millesime 2026]   (nom, code ou SIREN)
  Millésimes disponibles : 2021 et 2026 (découpage administratif d'Etalab).

Codes de sortie : 0 succès, 1 erreurs trouvées (check, consolider) ou export final refusé
(convert), 2 fichier illisible ou invalide, 64 mauvaise utilisation.
Formats de fichiers : docs/FORMAT.md.
Tout fonctionne hors ligne : aucune donnée ne quitte votre poste.
";
