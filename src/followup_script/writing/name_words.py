"""nameparser's titles, surname prefixes and conjunctions (nameparser 2.6.0's
``CONSTANTS.titles | prefixes | conjunctions``), frozen here so that greeting a plain
name does not import nameparser (about 20 ms of a one-shot's start-up).

``tests/test_name_words.py`` holds this copy equal to the installed nameparser's own
lists: when nameparser changes them, that test names the words to add or remove.
"""

from __future__ import annotations

#: First words after which a name is not simply "given name first" (lower case, as
#: nameparser keeps them).
NOT_PLAIN = frozenset("""
& 't 10th 1lt 1sgt 1st 1stlt 1stsgt 2lt 2nd 2ndlt 3rd 4th 5th 6th 7th 8th 9th a1c aan ab abbess
abbot abolitionist abu academic acolyte activist actor actress ad- adept adh- adjutant adm
administrator admiral advertising adviser advocate aen af air akhoond al al- alderman almoner
ambassador amn an- analytics anarchist and animator anthropologist appellate apprentice ar-
arbitrator archbishop archdeacon archdruid archduchess archduke archeologist architect arhat army
arranger as- ash- assistant assoc associate asst astronomer at- ath- attache attaché attorney auf
aunt auntie author av award-winning ayatollah az- aš- aḍ- aḏ- aṣ- aṭ- aṯ- aẓ- baba bailiff ballet
bandleader banker banner bapak bar bard baron baroness barrister baseball bat batoni bearer
behavioral bench bg bgen biblical bibliographer bin binibini bint binte binti biochemist biographer
biologist bishop blessed blogger blues bodhisattva bon bookseller botanist bp brigadier briggen
british broadcaster brother buddha burgess burlesque business businessman businesswoman bwana canon
capt captain cardinal cartographer cartoonist catholicos ccmsgt cdr celebrity ceo cfo ch.ma ch.mo
chair chairs chancellor chaplain charge chargé chef cheikh chemist chief chieftain choreographer
civil classical clergyman clerk cllr cmsaf cmsgt co-chair co-chairs co-founder coach col collector
colonel comedian comedienne comic commander commander-in-chief commissioner commodore composer
compositeur comptroller computer comtesse conductor consultant controller corporal corporate
correspondent councillor counsel counselor count countess courtier cpl cpo cpt credit criminal
criminologist critic csm curator customs cwo-2 cwo-3 cwo-4 cwo-5 cwo2 cwo3 cwo4 cwo5 cyclist d'
d'affaires da dal dame dancer das dcn de de' deacon degli dei del dela delegate dell' della delle
delli dello dell’ dem den deputy der designated designer detective developer de’ dhr di dipl.-ing
diplomat dir director discovery dissident district division do doamna doamnă docent docket doctor
domnișoara domnul dos dott.ssa doyen dpty dr dra dramatist druid drummer du duchesse dutchess dí d’
e ecologist economist ed- edh- editor edler edmi edohen educator effendi ekegbian el- elerunwon
eminence emperor empress en- encik engineer english ens entertainer entrepreneur envoy er-
erzbischof es- esh- essayist et et- eth- evangelist excellency excellent exec executive expert ez-
fadm familie family father federal fh-prof field film financial first flag flying foreign forester
founder fr frau freifrau freiherr freiherrin friar frk fru fräulein fröken frøken frú fürst
fürsterzbischof gaf gen general generalissimo gent.le gent.ma gent.mo gentiluomo giani ginang ginoo
goodman goodwife gospodin gospođa gospođica gov governor graaf graf grafas grafi grand greifi greve
group großfürst gräfin guitarist guru gyani gysgt hajji headman heer heir heiress her hereditary
heren herr herra herren herrn herzog het high highness his historian historicus historien holiness
hon honorable honourable host hr hrabia härra i ibn ill.ma ill.mo illustrator imam industrialist
information instructor intelligence intendant inventor investigator investor journalist journeyman
judge judicial juffrouw jurist kalbatoni keyboardist king king's kingdom knight knowledge krahv
kreivi l' la lady lama lamido las law lawyer lcdr lcpl le leader lecturer legal librarian lieutenant
linguist literary lord los lt ltc ltcol ltg ltgen ltjg lyricist l’ mac madam madame mademoiselle mag
mag-judge mag/judge magistrate magistrate-judge magnate maharajah maharani mahdi maid maj majesty
majgen manager marcher marchess marchioness marketing marquess marquis marquise master mathematician
mathematics matriarch mayor mc mcpo mcpoc mcpon me member memoirist meneer merchant met metropolitan
mevr mevrouw mevrouwe mg mgr mgysgt military minister miss misses missionary mister mlle mme mobster
model monk monseigneur monsieur monsignor most mother mountaineer mpco-cg mr mrs ms msg msgt mufti
mullah municipal murshid musician musicologist mx mystery nanny narrator national naturalist navy
neiti neuroscientist novelist nurse ní obstetritian of officer op opera operating ornithologist
owura painter paleontologist paní pastor patriarch pd pediatrician personality petty pfc pharaoh
philantropist philosopher photographer physician physicist pianist pilot pioneer pir player
playwright po1 po2 po3 poet police political politician ponas ponia pope prefect preg.ma preg.mo
preili prelate premier pres presbyter president presiding priest priestess primate prime prin prince
princess principal printer printmaker prinz prior priv.-doz private pro producer prof prof.ssa
professor proua provost pslc psychiatrist psychologist publisher pursuivant pv2 pvt queen queen's ra
rabbi radio radm rangatira ranger rdml rear rebbe registrar reichsgraf rep representative researcher
resident rev revenue reverend right risk ritter rock rouva royal rt sailor saint sainte san santa
saoshyant satirist scholar schoolmaster scientist scpo screenwriter secretary security seigneur
senator senhor senhora senhorita senior senior-judge sergeant servant señor señora señores señorita
señoritas sfc sgm sgt sgtmaj sgtmajmc shaik shaikh shayk shaykh sheik sheikh shekh sheriff siddha
sig.na sig.ra signor signora signore signorina singer singer-songwriter sir sister slečna sma smsgt
sn soccer social sociologist software soldier solicitor soprano spc speaker special sr sra sres srta
srtas ssg ssgt st staff state states ste strategy subaltern subedar suffragist sultan sultana
superior supreme surgeon swami swordbearer sysselmann tax te teacher technical technologist
television tenor ter the theater theatre theologian theorist tho thoe timi tirthankar translator
travel treasurer tsar tsarina tsgt ua uk ul- uncle und ungfrú united univ.prof us vadm van vande
vander vardapet vc vd vel venerable verderer vicar vice viscount vizier vocalist voice vom von
vrouwe warden warrant wing wo-1 wo1 wo2 wo3 wo4 wo5 woodman wp writer y zoologist zu ó δρ κα καθ και
κος акад г-жа г-н д-р и й пан пані проф та і בן בת גב' גברת גב׳ ד"ר ד״ר הרב מר עו"ד עו״ד פרופ'
פרופסור פרופ׳ آل أبو أستاذ أستاذة ابن ابو الأستاذ الأستاذة الحاج الحاجة الدكتور الدكتورة الشيخ
الشيخة بن بنت دكتور دكتورة مهندس و गुरु जनाब डा डॉ डॉक्टर न्यायमूर्ति पं पंडित प्रा प्राध्यापक प्रो
प्रोफेसर बाबा बाबू महात्मा महाराजा मौलाना श्री श्रीमती श्रीमान श्रीयुत संत सरदार सुश्री सौ स्वामी
অধ্যাপক আলহাজ আলহাজ্ব গুরু জনাব ড ডঃ ডক্টর ডা ডাঃ ডাক্তার প্রফেসর বাবা বিচারপতি মাওলানা মি মিঃ মিসেস
মুফতি মো মোঃ মোছা মোছাঃ মোসা মোসাঃ শ্রী শ্রীমতী শ্রীল স্বামী ’t
""".split())
