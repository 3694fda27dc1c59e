//! The invented organisation of the demo: 青川市 (code 991000, not a real place), its
//! 县区, 乡镇 and units. The tree depends on the number of units only, never on the seed,
//! so the same `--units` always gives the same codes and names.

use fazhi_domain::{RegionLevel, UnitKind};
use fazhi_store::OrgRow;
use std::collections::HashSet;

pub const CITY: &str = "青川市";
pub const CITY_CODE: &str = "991000";

/// The counties of the default demo; more are made up from [`NAME_FIRST`] × [`NAME_SECOND`].
const COUNTIES: [(&str, &str); 5] = [
    ("临江", "区"),
    ("望山", "区"),
    ("石门", "县"),
    ("云溪", "县"),
    ("柳塘", "县"),
];

const NAME_FIRST: &[&str] = &[
    "东", "西", "南", "北", "白", "金", "玉", "青", "云", "石", "松", "梅", "兰", "竹", "清", "明",
    "安", "平", "永", "长", "丰", "福", "嘉", "和", "兴", "宁", "泰", "新", "富", "华", "龙", "凤",
    "鹤", "鹿", "桃", "杏", "枫", "柏", "桂", "荷",
];

const NAME_SECOND: &[&str] = &[
    "湖", "山", "河", "溪", "川", "林", "岭", "峰", "桥", "阳", "原", "泉", "塘", "台", "源", "水",
    "坪", "坝", "湾", "洲", "岗", "庄", "口", "滩", "寨", "堡", "关", "沟", "浦", "渡",
];

/// A department: full name after the region, short name after the region's one-character
/// prefix (市/区/县), and the area it works in (used by the report generator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Department {
    pub name: &'static str,
    pub short: &'static str,
    pub area: Area,
}

impl Department {
    /// How the department speaks of itself in its report: 我委 (a 委员会), 我中心 (a 中心),
    /// else 我局.
    fn we(&self) -> &'static str {
        if self.name.ends_with("委员会") {
            "我委"
        } else if self.name.ends_with("中心") {
            "我中心"
        } else {
            "我局"
        }
    }
}

/// What a unit works on, so its report speaks of its own business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    Government,
    Justice,
    RuleOfLawOffice,
    Township,
    Science,
    Development,
    Education,
    Police,
    Finance,
    HumanResources,
    NaturalResources,
    Environment,
    Housing,
    Transport,
    Agriculture,
    Market,
    Water,
    Commerce,
    Culture,
    Health,
    Emergency,
    Veterans,
    Audit,
    Statistics,
    CivilAffairs,
    Medical,
    Forestry,
    CityManagement,
    Petitions,
    GovernmentServices,
}

const fn dept(name: &'static str, short: &'static str, area: Area) -> Department {
    Department { name, short, area }
}

/// Departments of a city government, in the order the demo adds them.
pub const CITY_DEPARTMENTS: &[Department] = &[
    dept("科学技术和工业信息化局", "科工局", Area::Science),
    dept("发展和改革局", "发改局", Area::Development),
    dept("教育局", "教育局", Area::Education),
    dept("公安局", "公安局", Area::Police),
    dept("财政局", "财政局", Area::Finance),
    dept("人力资源和社会保障局", "人社局", Area::HumanResources),
    dept("自然资源局", "自然资源局", Area::NaturalResources),
    dept("生态环境局", "生态环境局", Area::Environment),
    dept("住房和城乡建设局", "住建局", Area::Housing),
    dept("交通运输局", "交通运输局", Area::Transport),
    dept("农业农村局", "农业农村局", Area::Agriculture),
    dept("市场监督管理局", "市场监管局", Area::Market),
    dept("水利局", "水利局", Area::Water),
    dept("商务局", "商务局", Area::Commerce),
    dept("文化广电旅游局", "文广旅局", Area::Culture),
    dept("卫生健康委员会", "卫健委", Area::Health),
    dept("应急管理局", "应急局", Area::Emergency),
    dept("退役军人事务局", "退役军人局", Area::Veterans),
    dept("审计局", "审计局", Area::Audit),
    dept("统计局", "统计局", Area::Statistics),
    dept("民政局", "民政局", Area::CivilAffairs),
    dept("医疗保障局", "医保局", Area::Medical),
    dept("林业局", "林业局", Area::Forestry),
    dept("城市管理综合行政执法局", "城管执法局", Area::CityManagement),
    dept("信访局", "信访局", Area::Petitions),
    dept("政务服务数据管理局", "政数局", Area::GovernmentServices),
];

/// Departments of a county government, in the order the demo adds them.
pub const COUNTY_DEPARTMENTS: &[Department] = &[
    dept("教育局", "教育局", Area::Education),
    dept("市场监督管理局", "市场监管局", Area::Market),
    dept("科技和工业信息化局", "科工信局", Area::Science),
    dept("农业农村局", "农业农村局", Area::Agriculture),
    dept("发展和改革局", "发改局", Area::Development),
    dept("财政局", "财政局", Area::Finance),
    dept("人力资源和社会保障局", "人社局", Area::HumanResources),
    dept("自然资源局", "自然资源局", Area::NaturalResources),
    dept("住房和城乡建设局", "住建局", Area::Housing),
    dept("交通运输局", "交通运输局", Area::Transport),
    dept("卫生健康局", "卫健局", Area::Health),
    dept("应急管理局", "应急局", Area::Emergency),
    dept("民政局", "民政局", Area::CivilAffairs),
    dept("水利局", "水利局", Area::Water),
    dept("商务局", "商务局", Area::Commerce),
    dept("文化旅游广电体育局", "文旅广体局", Area::Culture),
    dept("退役军人事务局", "退役军人局", Area::Veterans),
    dept("审计局", "审计局", Area::Audit),
    dept("统计局", "统计局", Area::Statistics),
    dept("医疗保障局", "医保局", Area::Medical),
    dept("林业局", "林业局", Area::Forestry),
    dept("城市管理局", "城管局", Area::CityManagement),
    dept("信访局", "信访局", Area::Petitions),
    dept("政务服务中心", "政务服务中心", Area::GovernmentServices),
];

/// How many of [`CITY_DEPARTMENTS`] every demo has before counties get their own.
const CORE_CITY_DEPARTMENTS: usize = 12;

/// One region of the demo tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionSpec {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent: Option<String>,
}

/// One unit of the demo tree, with what the report generator needs to write as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSpec {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    pub region_code: String,
    /// Name of its region as the unit calls it (青川市, 临江区, 清溪镇).
    pub region_name: String,
    pub level: RegionLevel,
    /// The one-character name of its level as its reports say it: 市, 区 or 县 (a township
    /// takes its county's).
    pub lvl: &'static str,
    pub area: Area,
    /// 我局 / 我委 / 我办 / 我区 / 我镇 …
    pub we: String,
    /// Whom the report goes to: 市委、市政府 / 区委、区政府 …
    pub addressee: String,
}

/// The demo's organisation: regions (parents first) and units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub regions: Vec<RegionSpec>,
    pub units: Vec<UnitSpec>,
}

impl Tree {
    /// The rows that create this tree through `OrgStore::import_org`.
    pub fn org_rows(&self) -> Vec<OrgRow> {
        let regions = self.regions.iter().map(|r| OrgRow::Region {
            code: r.code.clone(),
            name: r.name.clone(),
            level: r.level,
            parent_code: r.parent.clone(),
        });
        let units = self.units.iter().map(|u| OrgRow::Unit {
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: u.kind,
            region_code: u.region_code.clone(),
        });
        regions.chain(units).collect()
    }

    /// Counties, in order.
    pub fn counties(&self) -> impl Iterator<Item = &RegionSpec> {
        self.regions
            .iter()
            .filter(|r| r.level == RegionLevel::County)
    }
}

/// The `i`-th of the made-up two-character place names, in a scrambled but fixed order
/// (7 is coprime with the 1,200 combinations, so the first 1,200 are all different).
fn place_name(i: usize) -> String {
    let n = NAME_FIRST.len() * NAME_SECOND.len();
    let k = (i * 7 + 3) % n;
    format!(
        "{}{}",
        NAME_FIRST[k / NAME_SECOND.len()],
        NAME_SECOND[k % NAME_SECOND.len()]
    )
}

/// Builds the tree for about `units` units: the city's government, 司法局 and 依法治市办,
/// a dozen city departments, then per county its government and 司法局, then rounds that
/// give the city one more department and every county one more department and two more
/// 乡镇/街道, until the count is reached. Counties: 4 for small demos, about one per 45 units
/// for large ones (at most 98, so county codes keep two digits).
pub fn build(units: usize) -> Tree {
    let mut b = Builder {
        limit: units.max(1),
        regions: vec![RegionSpec {
            code: CITY_CODE.to_string(),
            name: CITY.to_string(),
            level: RegionLevel::City,
            parent: None,
        }],
        units: Vec::new(),
        counties: county_list((units / 45).clamp(4, 98)),
    };
    b.unit(
        &Seat::city(),
        1,
        "人民政府",
        "市政府",
        UnitKind::Government,
        Area::Government,
        "我市",
        "市委、市人大常委会",
    );
    b.unit(
        &Seat::city(),
        2,
        "司法局",
        "市司法局",
        UnitKind::Supervising,
        Area::Justice,
        "我局",
        "市委、市政府",
    );
    b.add(UnitSpec {
        code: format!("{CITY_CODE}03"),
        name: format!("中共{CITY}委全面依法治市委员会办公室"),
        short_name: "依法治市办".into(),
        kind: UnitKind::Supervising,
        region_code: CITY_CODE.into(),
        region_name: CITY.into(),
        level: RegionLevel::City,
        lvl: "市",
        area: Area::RuleOfLawOffice,
        we: "我办".into(),
        addressee: "市委全面依法治市委员会".into(),
    });
    let mut city_departments = 0;
    while city_departments < CORE_CITY_DEPARTMENTS {
        b.city_department(city_departments);
        city_departments += 1;
    }
    for c in 0..b.counties.len() {
        let (own, suffix) = (b.counties[c].own.clone(), b.counties[c].suffix);
        let upper = format!("{suffix}委、{suffix}人大常委会");
        let seat = b.county_seat(c);
        b.unit(
            &seat,
            1,
            "人民政府",
            &format!("{own}政府"),
            UnitKind::Government,
            Area::Government,
            &format!("我{suffix}"),
            &upper,
        );
        b.unit(
            &seat,
            2,
            "司法局",
            &format!("{own}司法局"),
            UnitKind::Supervising,
            Area::Justice,
            "我局",
            &county_addressee(suffix),
        );
    }
    while !b.full() {
        let before = b.units.len();
        if city_departments < CITY_DEPARTMENTS.len() {
            b.city_department(city_departments);
            city_departments += 1;
        }
        for c in 0..b.counties.len() {
            b.county_department(c);
        }
        for _ in 0..2 {
            for c in 0..b.counties.len() {
                b.township(c);
            }
        }
        if b.units.len() == before {
            break;
        }
    }
    Tree {
        regions: b.regions,
        units: b.units,
    }
}

fn county_addressee(suffix: &str) -> String {
    format!("{suffix}委、{suffix}政府")
}

struct County {
    code: String,
    /// 青川市临江区
    full: String,
    /// 临江区
    own: String,
    /// 区 or 县
    suffix: &'static str,
    departments: usize,
    townships: usize,
    /// Whether its region row has been added (with its first unit).
    added: bool,
}

/// The counties: the five fixed ones, then made-up names (区 and 县 alternating).
fn county_list(n: usize) -> Vec<County> {
    let mut seen: HashSet<String> = COUNTIES.iter().map(|(n, _)| n.to_string()).collect();
    let mut names: Vec<(String, &'static str)> =
        COUNTIES.iter().map(|(n, s)| (n.to_string(), *s)).collect();
    let mut i = 0;
    while names.len() < n {
        let name = place_name(i);
        i += 1;
        if seen.insert(name.clone()) {
            let suffix = if names.len().is_multiple_of(2) {
                "区"
            } else {
                "县"
            };
            names.push((name, suffix));
        }
    }
    names
        .into_iter()
        .take(n)
        .enumerate()
        .map(|(i, (own, suffix))| County {
            code: format!("9910{:02}", i + 2),
            full: format!("{CITY}{own}{suffix}"),
            own: format!("{own}{suffix}"),
            suffix,
            departments: 0,
            townships: 0,
            added: false,
        })
        .collect()
}

/// Where a unit stands: its region's code and full name (the unit's code and name follow
/// them), the name the unit calls its region, the level and its one-character name.
struct Seat {
    code: String,
    full: String,
    own: String,
    level: RegionLevel,
    lvl: &'static str,
}

impl Seat {
    fn city() -> Seat {
        Seat {
            code: CITY_CODE.to_string(),
            full: CITY.to_string(),
            own: CITY.to_string(),
            level: RegionLevel::City,
            lvl: "市",
        }
    }
}

struct Builder {
    limit: usize,
    regions: Vec<RegionSpec>,
    units: Vec<UnitSpec>,
    counties: Vec<County>,
}

impl Builder {
    fn full(&self) -> bool {
        self.units.len() >= self.limit
    }

    fn add(&mut self, u: UnitSpec) {
        if !self.full() {
            self.units.push(u);
        }
    }

    /// A unit at `seat`: its code and name are the seat's followed by `n` and `name`.
    #[allow(clippy::too_many_arguments)]
    fn unit(
        &mut self,
        seat: &Seat,
        n: usize,
        name: &str,
        short: &str,
        kind: UnitKind,
        area: Area,
        we: &str,
        addressee: &str,
    ) {
        self.add(UnitSpec {
            code: format!("{}{n:02}", seat.code),
            name: format!("{}{name}", seat.full),
            short_name: short.to_string(),
            kind,
            region_code: seat.code.clone(),
            region_name: seat.own.clone(),
            level: seat.level,
            lvl: seat.lvl,
            area,
            we: we.to_string(),
            addressee: addressee.to_string(),
        });
    }

    /// The department `d` at `seat`, its short name `short`.
    fn department(&mut self, seat: &Seat, n: usize, d: Department, short: &str, addressee: &str) {
        self.unit(
            seat,
            n,
            d.name,
            short,
            UnitKind::Department,
            d.area,
            d.we(),
            addressee,
        );
    }

    fn city_department(&mut self, i: usize) {
        let d = CITY_DEPARTMENTS[i];
        let short = format!("市{}", d.short);
        self.department(&Seat::city(), 10 + i, d, &short, "市委、市政府");
    }

    /// Adds the county's region row before its first unit.
    fn county_region(&mut self, c: usize) {
        if !self.counties[c].added {
            self.counties[c].added = true;
            let county = &self.counties[c];
            self.regions.push(RegionSpec {
                code: county.code.clone(),
                name: county.full.clone(),
                level: RegionLevel::County,
                parent: Some(CITY_CODE.to_string()),
            });
        }
    }

    /// Where the county's units stand; its region row is added before its first unit.
    fn county_seat(&mut self, c: usize) -> Seat {
        if !self.full() {
            self.county_region(c);
        }
        let county = &self.counties[c];
        Seat {
            code: county.code.clone(),
            full: county.full.clone(),
            own: county.own.clone(),
            level: RegionLevel::County,
            lvl: county.suffix,
        }
    }

    fn county_department(&mut self, c: usize) {
        let k = self.counties[c].departments;
        if self.full() || k >= COUNTY_DEPARTMENTS.len() {
            return;
        }
        self.counties[c].departments += 1;
        let d = COUNTY_DEPARTMENTS[k];
        let (own, suffix) = (self.counties[c].own.clone(), self.counties[c].suffix);
        let seat = self.county_seat(c);
        let short = format!("{own}{}", d.short);
        self.department(&seat, 10 + k, d, &short, &county_addressee(suffix));
    }

    /// Adds a 乡镇 or 街道 (its region and its one unit). Districts have 街道 first; counties
    /// have 镇 and some 乡.
    fn township(&mut self, c: usize) {
        let t = self.counties[c].townships;
        if self.full() || t >= 999 {
            return;
        }
        self.county_region(c);
        self.counties[c].townships += 1;
        let county = &self.counties[c];
        // Distinct within a county: 13 is coprime with the number of names.
        let name = place_name(c * 37 + t * 13);
        let suffix = match (county.suffix, t) {
            ("区", 0..=2) => "街道",
            (_, t) if t % 4 == 3 => "乡",
            _ => "镇",
        };
        let region_code = format!("{}{:03}", county.code, t + 1);
        let place = format!("{name}{suffix}");
        let (unit_name, short, we) = match suffix {
            "街道" => (
                format!("{}{place}办事处", county.full),
                place.clone(),
                "我街道",
            ),
            "乡" => (
                format!("{}{place}人民政府", county.full),
                format!("{place}政府"),
                "我乡",
            ),
            _ => (
                format!("{}{place}人民政府", county.full),
                format!("{place}政府"),
                "我镇",
            ),
        };
        self.regions.push(RegionSpec {
            code: region_code.clone(),
            name: format!("{}{place}", county.own),
            level: RegionLevel::Township,
            parent: Some(county.code.clone()),
        });
        let addressee = county_addressee(county.suffix);
        self.add(UnitSpec {
            code: format!("{region_code}01"),
            name: unit_name,
            short_name: short,
            kind: UnitKind::Township,
            region_code,
            region_name: place,
            level: RegionLevel::Township,
            lvl: county.suffix,
            area: Area::Township,
            we: we.to_string(),
            addressee,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn default_demo_is_the_city_with_four_counties() {
        let t = build(30);
        assert_eq!(t.units.len(), 30);
        assert_eq!(t.regions[0].name, "青川市");
        assert_eq!(t.counties().count(), 4);
        let names: Vec<&str> = t.units.iter().map(|u| u.name.as_str()).collect();
        for want in [
            "青川市人民政府",
            "青川市司法局",
            "中共青川市委全面依法治市委员会办公室",
            "青川市科学技术和工业信息化局",
            "青川市市场监督管理局",
            "青川市临江区人民政府",
            "青川市云溪县司法局",
        ] {
            assert!(names.contains(&want), "{want} in {names:?}");
        }
        let kgj = t
            .units
            .iter()
            .find(|u| u.name == "青川市科学技术和工业信息化局")
            .unwrap();
        assert_eq!(kgj.short_name, "市科工局");
        assert!(t.units.iter().any(|u| u.kind == UnitKind::Township));
    }

    #[test]
    fn large_demos_have_distinct_codes_and_names_and_parents_first() {
        for n in [1, 7, 30, 200, 3000, 6000] {
            let t = build(n);
            assert_eq!(t.units.len(), n, "{n}");
            let codes: HashSet<&str> = t
                .regions
                .iter()
                .map(|r| r.code.as_str())
                .chain(t.units.iter().map(|u| u.code.as_str()))
                .collect();
            assert_eq!(codes.len(), t.regions.len() + t.units.len(), "{n}");
            let names: HashSet<&str> = t.units.iter().map(|u| u.name.as_str()).collect();
            assert_eq!(names.len(), n);
            let mut seen = HashSet::new();
            for r in &t.regions {
                if let Some(p) = &r.parent {
                    assert!(seen.contains(p.as_str()), "{} before its parent", r.code);
                }
                seen.insert(r.code.as_str());
            }
            for u in &t.units {
                assert!(seen.contains(u.region_code.as_str()), "{}", u.code);
            }
        }
        assert_eq!(build(3000).counties().count(), 66);
    }

    #[test]
    fn same_count_same_tree() {
        assert_eq!(build(500), build(500));
    }
}
