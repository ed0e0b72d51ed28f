"""Synthetic reference data for the sample generator: stores and products.

Nothing here is read from the real BestMarket dataset; names are ordinary French commune and
product names, coordinates are approximate.
"""

# département code -> (name, approx. latitude, approx. longitude, communes)
DEPARTEMENTS = {
    "75": ("Paris", 48.857, 2.352, [
        "Paris 1er Arrondissement", "Paris 3e Arrondissement", "Paris 6e Arrondissement",
        "Paris 9e Arrondissement", "Paris 11e Arrondissement", "Paris 12e Arrondissement",
        "Paris 13e Arrondissement", "Paris 15e Arrondissement", "Paris 17e Arrondissement",
        "Paris 18e Arrondissement", "Paris 20e Arrondissement",
    ]),
    "77": ("Seine-et-Marne", 48.62, 2.98, [
        "Meaux", "Melun", "Chelles", "Pontault-Combault", "Savigny-le-Temple",
        "Champs-sur-Marne", "Torcy", "Fontainebleau", "Provins", "Coulommiers",
    ]),
    "78": ("Yvelines", 48.80, 1.90, [
        "Versailles", "Sartrouville", "Mantes-la-Jolie", "Saint-Germain-en-Laye", "Poissy",
        "Montigny-le-Bretonneux", "Conflans-Sainte-Honorine", "Houilles", "Rambouillet",
        "Le Chesnay-Rocquencourt",
    ]),
    "91": ("Essonne", 48.52, 2.24, [
        "Évry-Courcouronnes", "Corbeil-Essonnes", "Massy", "Savigny-sur-Orge", "Palaiseau",
        "Athis-Mons", "Viry-Châtillon", "Étampes", "Brétigny-sur-Orge", "Orsay",
    ]),
    "92": ("Hauts-de-Seine", 48.84, 2.24, [
        "Boulogne-Billancourt", "Nanterre", "Courbevoie", "Colombes", "Asnières-sur-Seine",
        "Rueil-Malmaison", "Issy-les-Moulineaux", "Levallois-Perret", "Antony", "Clichy",
        "Châtillon",
    ]),
    "93": ("Seine-Saint-Denis", 48.91, 2.48, [
        "Saint-Denis", "Montreuil", "Aubervilliers", "Aulnay-sous-Bois", "Drancy",
        "Noisy-le-Grand", "Pantin", "Bondy", "Épinay-sur-Seine", "Le Blanc-Mesnil",
    ]),
    "94": ("Val-de-Marne", 48.78, 2.47, [
        "Créteil", "Vitry-sur-Seine", "Champigny-sur-Marne", "Saint-Maur-des-Fossés",
        "Ivry-sur-Seine", "Maisons-Alfort", "Fontenay-sous-Bois", "Villejuif", "Vincennes",
        "Nogent-sur-Marne", "L'Haÿ-les-Roses",
    ]),
    "95": ("Val-d'Oise", 49.07, 2.17, [
        "Argenteuil", "Cergy", "Sarcelles", "Garges-lès-Gonesse", "Franconville",
        "Goussainville", "Pontoise", "Bezons", "Ermont", "Magny-en-Vexin", "Taverny",
    ]),
}

# Food bases; each comes in three ranges below (plain, "bio", "premier prix").
ALIMENTAIRE = [
    "Œufs frais", "Bœuf haché", "Pâtes", "Riz", "Café moulu", "Thé vert", "Jus d'orange",
    "Eau minérale", "Sodas", "Bière blonde", "Vin rouge", "Cidre", "Lait demi-écrémé",
    "Yaourts", "Fromages", "Crème fraîche", "Pain de mie", "Céréales", "Biscuits",
    "Chocolat", "Confitures", "Miel", "Légumes surgelés", "Fruits de saison",
    "Poissons", "Volailles", "Charcuterie", "Épices", "Sauces", "Soupes", "Glaces",
    "Crêpes", "Pâtisseries", "Chips", "Plats préparés",
]
GAMMES = ["", " bio", " premier prix"]
HIGH_TECH = [
    "TV", "Smartphones", "Tablettes", "Ordinateurs portables", "Casques audio", "Enceintes",
    "Consoles", "Jeux vidéo", "Appareils photo", "Montres connectées", "Imprimantes",
    "Écrans", "Home cinéma", "Caméras", "Routeurs", "Clés USB", "Disques durs",
    "Vidéoprojecteurs", "Liseuses", "Drones",
]
LOISIRS = [
    "Livres", "Bandes dessinées", "Jouets", "Jeux de société", "Séries TV", "Films",
    "Vélos", "Matériel de randonnée", "Bagagerie", "Beauté", "Santé", "Forme",
]
MAISON = [
    "Électroménager", "Cuisine", "Puériculture", "Linge de maison", "Décoration",
    "Luminaires", "Bricolage", "Jardinage",
]
BOISSONS = {"Café moulu", "Thé vert", "Jus d'orange", "Eau minérale", "Sodas",
            "Bière blonde", "Vin rouge", "Cidre", "Lait demi-écrémé"}


def produits():
    """Return the list of (typologie_produit, titre_produit), 145 products."""
    out = [("Alimentaire", f"{base}{gamme}") for base in ALIMENTAIRE for gamme in GAMMES]
    out += [("High-Tech", t) for t in HIGH_TECH]
    out += [("Loisirs", t) for t in LOISIRS]
    out += [("Maison", t) for t in MAISON]
    return out


def titres_boissons():
    """Titles of the synthetic products that are beverages (for the product-family seed)."""
    return sorted(f"{base}{gamme}" for base in BOISSONS for gamme in GAMMES)
