/// The region configuration used when no `--rules` file is given: the illustrative Zhejiang
/// figures of `Fixtures/rules/zhejiang-illustrative.json` (not official lines).
extension RegionConfiguration {
    /// The built-in illustrative configuration.
    public static let illustrative: RegionConfiguration = {
        // The text is a constant of this source file; it parses.
        try! RegionConfiguration(json: JSONParser.parse(illustrativeText), file: "(built-in illustrative configuration)")
    }()

    static let illustrativeText = #"""
{
  "name": "Zhejiang and the provinces its rough sleepers come from, winter 2026-27 (illustrative figures)",
  "localUtcOffset": "+08:00",
  "regions": {
    "33":   {"dibaoLine": 1020, "medicalAssistance": {"lowIncomeFactor": 1.5}},
    "3301": {"dibaoLine": 1218},
    "3305": {"dibaoLine": 1060},
    "3306": {"dibaoLine": 1060},
    "13":   {"dibaoLine": 700},
    "34":   {"dibaoLine": 750, "medicalAssistance": {"lowIncomeFactor": 1.3}},
    "3412": {"dibaoLine": 700},
    "36":   {"dibaoLine": 740},
    "41":   {"dibaoLine": 550},
    "43":   {"dibaoLine": 620},
    "51":   {"dibaoLine": 680},
    "52":   {"dibaoLine": 650},
    "61":   {"dibaoLine": 700}
  },
  "stations": {
    "HZ-01": {"name": "Hangzhou relief station", "region": "330106000000"},
    "HZ-02": {"name": "Hangzhou Xiaoshan relief station", "region": "330109000000"},
    "HZ-03": {"name": "Hangzhou Yuhang relief station", "region": "330110000000"},
    "NB-01": {"name": "Ningbo relief station", "region": "330203000000"},
    "NB-02": {"name": "Ningbo Beilun relief station", "region": "330206000000"},
    "WZ-01": {"name": "Wenzhou relief station", "region": "330302000000"},
    "WZ-02": {"name": "Wenzhou Ouhai relief station", "region": "330304000000"},
    "JX-01": {"name": "Jiaxing relief station", "region": "330402000000"},
    "SX-01": {"name": "Shaoxing relief station", "region": "330602000000"},
    "JH-01": {"name": "Jinhua relief station", "region": "330702000000"},
    "JH-02": {"name": "Yiwu relief station", "region": "330782000000"}
  }
}
"""#
}
