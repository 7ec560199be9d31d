//! The text of `cus --help`, also printed by `-h` after a command.

pub const HELP: &str = "\
cus — conventions d'utilité sociale : indicateurs, vérification et conversion de fichiers

Utilisation :
  cus <commande> [options]

Commandes :
  check         Vérifie des fichiers de convention (ODS, XLSX, CSV, JSON) : import, puis
                toutes les règles ; affiche les diagnostics
  convert       Convertit un fichier de convention d'un format à l'autre
  catalogue     Affiche le catalogue des indicateurs (toutes générations et types de CUS)
  territoires   Liste le référentiel territorial : départements, EPCI et EPT

Options générales :
  -h, --help       Affiche cette aide
  -V, --version    Affiche la version

Utilisation de « cus check » :
  cus check FICHIER|DOSSIER... [--format texte|json] [--catalogue FICHIER]
  Un dossier : tous ses fichiers .ods, .xlsx, .csv et .json (sans ses sous-dossiers).
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

Options de « cus catalogue » :
  --format texte|json|markdown   Format de sortie (texte par défaut)
  --fichier CHEMIN               Lit et vérifie ce fichier de catalogue (.toml ou .json)
                                 au lieu des catalogues intégrés ; plusieurs --fichier possibles

Utilisation de « cus territoires » :
  cus territoires departements [--millesime 2026] [--format texte|json]
  cus territoires epci [--departement 59] [--millesime 2026] [--format texte|json]
  cus territoires chercher TEXTE [--millesime 2026]   (nom, code ou SIREN)
  Millésimes disponibles : 2021 et 2026 (découpage administratif d'Etalab).

Codes de sortie : 0 succès, 1 erreurs trouvées (check) ou export final refusé (convert),
2 fichier illisible ou invalide, 64 mauvaise utilisation.
Formats de fichiers : docs/FORMAT.md.
Tout fonctionne hors ligne : aucune donnée ne quitte votre poste.
";
