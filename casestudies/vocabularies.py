"""The controlled vocabularies of the interview instrument (DOMAIN.md sections A-L).

This is the seed data of instrument version 1; the terms live in the database
(VocabularyTerm) so that another country can relabel, add or retire values without code
changes. Labels: en, fi, sv; country-specific labels where DOMAIN.md says names differ.
"""

from __future__ import annotations

INSTRUMENT_VERSION = 1

# vocabulary -> list of (code, en, fi, sv[, {country: {language: label}}])
Term = tuple[str, str, str, str] | tuple[str, str, str, str, dict[str, dict[str, str]]]

VOCABULARIES: dict[str, list[Term]] = {
    "interviewer_role": [
        ("psychologist", "Psychologist", "Psykologi", "Psykolog"),
        ("social_worker", "Social worker", "Sosiaalityöntekijä", "Socialarbetare"),
        ("coordinator", "Barnahus coordinator", "Barnahus-koordinaattori", "Barnahus-koordinator"),
        ("researcher", "Researcher", "Tutkija", "Forskare"),
        ("other", "Other professional", "Muu ammattilainen", "Annan yrkesperson"),
    ],
    "interview_language": [
        ("fi", "Finnish", "suomi", "finska"),
        ("sv", "Swedish", "ruotsi", "svenska"),
        ("en", "English", "englanti", "engelska"),
        ("other", "Other language", "muu kieli", "annat språk"),
    ],
    "respondent_relationship": [
        ("mother", "Mother", "Äiti", "Mamma"),
        ("father", "Father", "Isä", "Pappa"),
        ("other_guardian", "Other guardian", "Muu huoltaja", "Annan vårdnadshavare"),
        (
            "carer",
            "Foster or other carer",
            "Sijais- tai muu hoitaja",
            "Familjehem eller annan vårdare",
        ),
    ],
    "adult_age_band": [
        ("under_30", "Under 30", "Alle 30", "Under 30"),
        ("30_39", "30–39", "30–39", "30–39"),
        ("40_49", "40–49", "40–49", "40–49"),
        ("50_plus", "50 or older", "50 tai yli", "50 eller äldre"),
    ],
    "child_gender": [
        ("girl", "Girl", "Tyttö", "Flicka"),
        ("boy", "Boy", "Poika", "Pojke"),
        ("other", "Other or non-binary", "Muu tai muunsukupuolinen", "Annat eller icke-binär"),
        ("not_stated", "Not stated", "Ei kerrottu", "Ej angivet"),
    ],
    "child_age_band": [
        ("0_6", "0–6", "0–6", "0–6"),
        ("7_9", "7–9", "7–9", "7–9"),
        ("10_12", "10–12", "10–12", "10–12"),
        ("13_15", "13–15", "13–15", "13–15"),
        ("16_17", "16–17", "16–17", "16–17"),
    ],
    "violence_type": [
        (
            "grooming",
            "Grooming or solicitation for sexual purposes",
            "Grooming eli houkuttelu seksuaalisiin tarkoituksiin",
            "Grooming eller kontakt i sexuellt syfte",
        ),
        (
            "unwanted_messages",
            "Unwanted sexual messages or exposure to sexual content",
            "Ei-toivotut seksuaaliset viestit tai seksuaaliselle sisällölle altistaminen",
            "Oönskade sexuella meddelanden eller exponering för sexuellt innehåll",
        ),
        (
            "coerced_images",
            "Child coerced into producing sexual images",
            "Lapsi painostettu tuottamaan seksuaalisia kuvia",
            "Barnet pressat att producera sexuella bilder",
        ),
        (
            "images_shared",
            "Child's images shared without consent",
            "Lapsen kuvia jaettu ilman suostumusta",
            "Barnets bilder spridda utan samtycke",
        ),
        ("sextortion", "Sexual extortion", "Seksuaalinen kiristys", "Sexuell utpressning"),
        (
            "live_streamed",
            "Live-streamed abuse, including on demand",
            "Suoratoistettu hyväksikäyttö, myös tilauksesta",
            "Livesänt övergrepp, även på beställning",
        ),
        (
            "contact_material",
            "Abuse material produced during contact abuse",
            "Kontaktihyväksikäytön yhteydessä tuotettu materiaali",
            "Övergreppsmaterial från fysiskt övergrepp",
        ),
        (
            "online_to_offline",
            "Online contact leading to offline contact abuse",
            "Verkkoyhteys, joka johti hyväksikäyttöön kasvokkain",
            "Kontakt på nätet som ledde till fysiskt övergrepp",
        ),
        (
            "ai_generated",
            "AI-generated or digitally altered sexual images",
            "Tekoälyllä tuotetut tai muokatut seksuaaliset kuvat",
            "AI-genererade eller manipulerade sexuella bilder",
        ),
        ("other", "Other", "Muu", "Annat"),
    ],
    "extortion_motive": [
        ("sexual", "Sexual", "Seksuaalinen", "Sexuellt"),
        ("financial", "Financial", "Taloudellinen", "Ekonomiskt"),
        ("both", "Both", "Molemmat", "Båda"),
        ("unknown", "Unknown", "Ei tiedossa", "Okänt"),
    ],
    "platform": [
        (
            "social_dm",
            "Social-media direct messages",
            "Sosiaalisen median yksityisviestit",
            "Direktmeddelanden i sociala medier",
        ),
        ("messaging_app", "Messaging app", "Pikaviestisovellus", "Meddelandeapp"),
        ("game_chat", "Online game with chat", "Verkkopeli, jossa on chat", "Onlinespel med chatt"),
        (
            "video_stream",
            "Video call or live stream",
            "Videopuhelu tai suoratoisto",
            "Videosamtal eller livesändning",
        ),
        (
            "anonymous_app",
            "Anonymous or ephemeral app",
            "Anonyymi tai katoavien viestien sovellus",
            "Anonym app eller app med försvinnande meddelanden",
        ),
        ("dark_web", "Dark web", "Pimeä verkko", "Darknet"),
        ("unknown", "Unknown", "Ei tiedossa", "Okänt"),
    ],
    "offender_relationship": [
        ("family_member", "Family member", "Perheenjäsen", "Familjemedlem"),
        ("known_adult", "Other known adult", "Muu tuttu aikuinen", "Annan känd vuxen"),
        ("known_peer", "Known peer under 18", "Tuttu alle 18-vuotias", "Känd jämnårig under 18"),
        (
            "online_adult",
            "Online-only contact, adult",
            "Vain verkossa tunnettu, aikuinen",
            "Endast känd via nätet, vuxen",
        ),
        (
            "online_unknown_age",
            "Online-only contact, age unknown",
            "Vain verkossa tunnettu, ikä ei tiedossa",
            "Endast känd via nätet, okänd ålder",
        ),
        ("unidentified", "Unidentified", "Tunnistamaton", "Oidentifierad"),
    ],
    "offender_count": [
        ("one", "1", "1", "1"),
        ("two_to_five", "2–5", "2–5", "2–5"),
        ("more_than_five", "More than 5", "Yli 5", "Fler än 5"),
        ("unknown", "Unknown", "Ei tiedossa", "Okänt"),
    ],
    "disclosure_route": [
        (
            "child_told_parent",
            "The child told a parent",
            "Lapsi kertoi vanhemmalle",
            "Barnet berättade för en förälder",
        ),
        (
            "child_told_friend",
            "The child told a friend who told an adult",
            "Lapsi kertoi ystävälle, joka kertoi aikuiselle",
            "Barnet berättade för en kompis som berättade för en vuxen",
        ),
        (
            "parent_found",
            "A parent found messages or images",
            "Vanhempi löysi viestejä tai kuvia",
            "En förälder hittade meddelanden eller bilder",
        ),
        (
            "authority_contacted",
            "The police or another authority contacted the family",
            "Poliisi tai muu viranomainen otti yhteyttä perheeseen",
            "Polisen eller en annan myndighet kontaktade familjen",
        ),
        (
            "professional_noticed",
            "School or another professional noticed",
            "Koulu tai muu ammattilainen huomasi",
            "Skolan eller en annan yrkesperson märkte",
        ),
        (
            "hotline_report",
            "Hotline or platform report",
            "Vihjepalvelun tai alustan ilmoitus",
            "Anmälan via tipstjänst eller plattform",
        ),
        ("other", "Other", "Muu", "Annat"),
    ],
    "time_to_disclosure": [
        ("under_1_week", "Under 1 week", "Alle viikko", "Under 1 vecka"),
        ("under_1_month", "Under 1 month", "Alle kuukausi", "Under 1 månad"),
        ("1_6_months", "1–6 months", "1–6 kuukautta", "1–6 månader"),
        ("6_12_months", "6–12 months", "6–12 kuukautta", "6–12 månader"),
        ("1_2_years", "1–2 years", "1–2 vuotta", "1–2 år"),
        ("over_2_years", "Over 2 years", "Yli 2 vuotta", "Över 2 år"),
        ("unknown", "Unknown", "Ei tiedossa", "Okänt"),
    ],
    "agency": [
        (
            "police",
            "Police, prosecutor or court",
            "Poliisi, syyttäjä tai tuomioistuin",
            "Polis, åklagare eller domstol",
            {"IE": {"en": "Garda Síochána, prosecutor or court"}},
        ),
        (
            "barnahus",
            "Barnahus or forensic unit",
            "Barnahus tai oikeuspsykiatrinen yksikkö",
            "Barnahus eller rättspsykiatrisk enhet",
        ),
        (
            "child_welfare",
            "Child welfare",
            "Lastensuojelu",
            "Barnskydd",
            {"IE": {"en": "Tusla (Child and Family Agency)"}},
        ),
        (
            "school",
            "School or early-childhood education",
            "Koulu tai varhaiskasvatus",
            "Skola eller småbarnspedagogik",
        ),
        (
            "health_care",
            "Health care (clinic, somatic, psychiatric)",
            "Terveydenhuolto (neuvola, somaattinen, psykiatrinen)",
            "Hälso- och sjukvård (rådgivning, somatisk, psykiatrisk)",
            {"IE": {"en": "HSE health services (GP, hospital, CAMHS)"}},
        ),
        (
            "victim_support",
            "Victim support, NGO or hotline",
            "Rikosuhripäivystys, järjestö tai auttava puhelin",
            "Brottsofferjouren, organisation eller stödlinje",
        ),
    ],
    "proceedings_stage": [
        ("not_reported", "Not reported", "Ei ilmoitettu", "Inte anmält"),
        ("reported", "Reported", "Ilmoitettu", "Anmält"),
        ("investigation", "Under investigation", "Esitutkinnassa", "Under utredning"),
        (
            "closed_no_suspect",
            "Closed, no suspect identified",
            "Lopetettu, epäiltyä ei tunnistettu",
            "Nedlagd, ingen misstänkt identifierad",
        ),
        (
            "closed_insufficient",
            "Closed, insufficient evidence",
            "Lopetettu, näyttö ei riittänyt",
            "Nedlagd, otillräckliga bevis",
        ),
        ("charging", "Charging decision", "Syyteharkinta", "Åtalsprövning"),
        ("trial", "First-instance trial", "Käräjäoikeuskäsittely", "Tingsrättsförhandling"),
        ("appeal", "Appeal", "Muutoksenhaku", "Överklagande"),
        ("concluded", "Concluded", "Päättynyt", "Avslutat"),
    ],
    "proceedings_outcome": [
        ("conviction", "Conviction", "Tuomio", "Fällande dom"),
        ("acquittal", "Acquittal", "Vapauttava tuomio", "Frikännande dom"),
        ("discontinued", "Discontinued", "Keskeytetty", "Avskrivet"),
        ("pending", "Pending", "Kesken", "Pågående"),
        ("unknown", "Unknown", "Ei tiedossa", "Okänt"),
    ],
    "month_band": [
        ("under_1", "Under 1 month", "Alle kuukausi", "Under 1 månad"),
        ("1_3", "1–3 months", "1–3 kuukautta", "1–3 månader"),
        ("3_6", "3–6 months", "3–6 kuukautta", "3–6 månader"),
        ("6_12", "6–12 months", "6–12 kuukautta", "6–12 månader"),
        ("12_24", "1–2 years", "1–2 vuotta", "1–2 år"),
        ("over_24", "Over 2 years", "Yli 2 vuotta", "Över 2 år"),
        ("not_applicable", "Not applicable", "Ei koske", "Ej tillämpligt"),
        ("unknown", "Unknown", "Ei tiedossa", "Okänt"),
    ],
    "rating_dimension": [
        (
            "kept_informed",
            "Kept the family informed",
            "Piti perheen ajan tasalla",
            "Höll familjen informerad",
        ),
        (
            "regular_updates",
            "Regular updates on the case",
            "Säännölliset tiedot asian etenemisestä",
            "Regelbundna uppdateringar om ärendet",
        ),
        (
            "believed_respected",
            "Believed and respected the family",
            "Uskoi perhettä ja kohteli sitä kunnioittavasti",
            "Trodde på och respekterade familjen",
        ),
        (
            "trauma_informed",
            "Trauma-informed approach",
            "Traumatietoinen työote",
            "Traumamedvetet förhållningssätt",
        ),
        ("timeliness", "Timeliness", "Viiveettömyys", "Snabbhet"),
        (
            "coordination",
            "Coordination between agencies",
            "Viranomaisten välinen yhteistyö",
            "Samordning mellan myndigheter",
        ),
    ],
    "child_impact": [
        ("trauma", "Trauma symptoms", "Traumaoireet", "Traumasymtom"),
        (
            "school",
            "School absence or learning difficulties",
            "Koulupoissaolot tai oppimisvaikeudet",
            "Skolfrånvaro eller inlärningssvårigheter",
        ),
        (
            "withdrawal",
            "Withdrawal from hobbies or friends",
            "Vetäytyminen harrastuksista tai ystävistä",
            "Drar sig undan fritidsaktiviteter eller vänner",
        ),
        ("self_harm", "Self-harm", "Itsensä vahingoittaminen", "Självskadebeteende"),
        ("suicide_attempt", "Suicide attempt", "Itsemurhayritys", "Självmordsförsök"),
        (
            "fear_images",
            "Fear that images resurface",
            "Pelko kuvien uudelleen leviämisestä",
            "Rädsla för att bilderna dyker upp igen",
        ),
    ],
    "parent_impact": [
        ("trauma", "Trauma symptoms", "Traumaoireet", "Traumasymtom"),
        (
            "work",
            "Sick leave or work impact",
            "Sairausloma tai vaikutus työhön",
            "Sjukskrivning eller påverkan på arbetet",
        ),
        (
            "relationship",
            "Strain on the relationship or on siblings",
            "Kuormitus parisuhteelle tai sisaruksille",
            "Påfrestning på relationen eller på syskon",
        ),
    ],
    "support_type": [
        ("crisis", "Crisis support", "Kriisiapu", "Krisstöd"),
        ("therapy", "Therapy", "Terapia", "Terapi"),
        ("legal", "Legal counsel", "Oikeudellinen neuvonta", "Juridisk rådgivning"),
        ("peer", "Peer support", "Vertaistuki", "Kamratstöd"),
        ("financial", "Financial support", "Taloudellinen tuki", "Ekonomiskt stöd"),
    ],
    "peer_group_mode": [
        ("online", "Online", "Verkossa", "På nätet"),
        ("in_person", "In person", "Kasvokkain", "Fysiskt"),
        ("both", "Both", "Molemmat", "Båda"),
    ],
}
