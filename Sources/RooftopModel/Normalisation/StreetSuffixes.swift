/// Street suffixes and directionals to their standard abbreviations, so `123 Main Street`,
/// `123 MAIN ST.` and `123 main st` compare equal.
///
/// Source: USPS Publication 28, "Postal Addressing Standards", Appendix C1 (street suffix
/// abbreviations: primary name, common forms, standard abbreviation) and section 233 (directionals).
/// The commonest suffixes and their common misspellings; folded spellings.
public enum StreetSuffixes {
    /// Every spelling (folded) → its standard abbreviation (itself for the abbreviation).
    public static let standard: [String: String] = {
        let rows: [(String, [String])] = [
            ("aly", ["alley", "ally", "allee"]), ("anx", ["annex", "anex", "annx"]), ("arc", ["arcade"]), ("ave", ["avenue", "av", "aven", "avenu", "avn", "avnue"]),
            ("byu", ["bayou", "bayoo"]), ("bch", ["beach"]), ("bnd", ["bend"]), ("blf", ["bluff", "bluf"]), ("blvd", ["boulevard", "boul", "boulv"]),
            ("br", ["branch", "brnch"]), ("brg", ["bridge", "brdge"]), ("brk", ["brook"]), ("byp", ["bypass", "bypa", "bypas", "byps"]),
            ("cp", ["camp", "cmp"]), ("cyn", ["canyon", "canyn", "cnyn"]), ("cswy", ["causeway", "causwa"]), ("ctr", ["center", "centre", "cent", "centr", "cnter", "cntr"]),
            ("cir", ["circle", "circ", "circl", "crcl", "crcle"]), ("cirs", ["circles"]), ("clf", ["cliff"]), ("clb", ["club"]), ("cmn", ["common"]),
            ("cor", ["corner"]), ("crse", ["course"]), ("ct", ["court"]), ("cts", ["courts"]), ("cv", ["cove"]), ("crk", ["creek"]),
            ("cres", ["crescent", "crsent", "crsnt"]), ("xing", ["crossing", "crssng"]), ("curv", ["curve"]), ("dl", ["dale"]), ("dm", ["dam"]),
            ("dv", ["divide", "div", "dvd"]), ("dr", ["drive", "driv", "drv"]), ("est", ["estate"]), ("expy", ["expressway", "exp", "expr", "express", "expw"]),
            ("ext", ["extension", "extn", "extnsn"]), ("fls", ["falls"]), ("fry", ["ferry", "frry"]), ("fld", ["field"]), ("flds", ["fields"]),
            ("flt", ["flat"]), ("frd", ["ford"]), ("frst", ["forest", "forests"]), ("frg", ["forge", "forg"]), ("frk", ["fork"]), ("ft", ["fort", "frt"]),
            ("fwy", ["freeway", "freewy", "frway", "frwy"]), ("gdn", ["garden", "gardn", "grden", "grdn"]), ("gdns", ["gardens", "grdns"]),
            ("gtwy", ["gateway", "gatewy", "gatway", "gtway"]), ("gln", ["glen"]), ("grn", ["green"]), ("grv", ["grove", "grov"]), ("hbr", ["harbor", "harbour", "harb", "harbr", "hrbor"]),
            ("hvn", ["haven"]), ("hts", ["heights", "ht"]), ("hwy", ["highway", "highwy", "hiway", "hiwy", "hway"]), ("hl", ["hill"]), ("hls", ["hills"]),
            ("holw", ["hollow", "hllw", "hollows", "holws"]), ("is", ["island", "islnd"]), ("jct", ["junction", "jction", "jctn", "junctn", "juncton"]),
            ("ky", ["key"]), ("knl", ["knoll", "knol"]), ("lk", ["lake"]), ("lks", ["lakes"]), ("lndg", ["landing", "lndng"]), ("ln", ["lane"]),
            ("lgt", ["light"]), ("loop", ["loops"]), ("mall", []), ("mnr", ["manor"]), ("mdw", ["meadow"]), ("mdws", ["meadows", "medows"]),
            ("ml", ["mill"]), ("msn", ["mission", "missn", "mssn"]), ("mtwy", ["motorway"]), ("mt", ["mount", "mnt"]), ("mtn", ["mountain", "mntain", "mntn", "mountin"]),
            ("nck", ["neck"]), ("orch", ["orchard", "orchrd"]), ("oval", ["ovl"]), ("park", ["prk", "parks"]), ("pkwy", ["parkway", "parkwy", "pkway", "pky", "parkways", "pkwys"]),
            ("pass", []), ("path", ["paths"]), ("pike", ["pikes"]), ("pne", ["pine"]), ("pnes", ["pines"]), ("pl", ["place"]), ("pln", ["plain"]),
            ("plz", ["plaza", "plza"]), ("pt", ["point"]), ("prt", ["port"]), ("pr", ["prairie", "prr"]), ("radl", ["radial", "rad", "radiel"]),
            ("rnch", ["ranch", "ranches", "rnchs"]), ("rpd", ["rapid"]), ("rst", ["rest"]), ("rdg", ["ridge", "rdge"]), ("riv", ["river", "rvr", "rivr"]),
            ("rd", ["road"]), ("rds", ["roads"]), ("rte", ["route"]), ("row", []), ("run", []), ("shr", ["shore", "shoar"]), ("spg", ["spring", "spng", "sprng"]),
            ("sq", ["square", "sqr", "sqre", "squ"]), ("sta", ["station", "statn", "stn"]), ("strm", ["stream", "streme"]), ("st", ["street", "str", "strt"]),
            ("sts", ["streets"]), ("smt", ["summit", "sumit", "sumitt"]), ("ter", ["terrace", "terr"]), ("trce", ["trace", "traces"]),
            ("trak", ["track", "tracks", "trk", "trks"]), ("trl", ["trail", "trails", "trls"]), ("tunl", ["tunnel", "tunel", "tunls", "tunnels"]),
            ("tpke", ["turnpike", "trnpk", "turnpk"]), ("un", ["union"]), ("vly", ["valley", "vally", "vlly"]), ("via", ["viaduct", "vdct", "viadct"]),
            ("vw", ["view"]), ("vlg", ["village", "vill", "villag", "villg", "villiage"]), ("vis", ["vista", "vist", "vst", "vsta"]), ("walk", ["walks"]),
            ("way", ["wy"]), ("wl", ["well"]), ("wls", ["wells"]),
            // Directionals (Publication 28, section 233).
            ("n", ["north"]), ("s", ["south"]), ("e", ["east"]), ("w", ["west"]), ("ne", ["northeast"]), ("nw", ["northwest"]),
            ("se", ["southeast"]), ("sw", ["southwest"]),
            // Secondary unit designators (Appendix C2).
            ("apt", ["apartment"]), ("ste", ["suite"]), ("unit", []), ("fl", ["floor"]), ("bldg", ["building"]),
        ]
        var map: [String: String] = [:]
        for (abbreviation, forms) in rows {
            map[abbreviation] = abbreviation
            for form in forms { map[form] = abbreviation }
        }
        return map
    }()
}
