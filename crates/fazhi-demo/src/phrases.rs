//! The phrase book of the report generator, written for the demo (no sentence is taken
//! from a real report). Templates hold placeholders that [`crate::text`] fills:
//! `{8-14}` a whole number in that range, `{we}` 我局/我委/我镇…, `{self}` 本局/本委/本镇…,
//! `{year}`, `{next}` (the following year), `{law}` the unit's main law, `{objects}` whom it
//! inspects or serves, `{service}` one of its service items, `{activity}` a campaign in quotes,
//! `{region}` 青川市 / 临江区 / 清溪镇, `{lvl}` 市 / 区 / 县 / 镇, `{date}` a day of the year
//! (5月12日).

use crate::names::Area;

/// One subsection topic of 主要举措和成效: headings to choose from, sentences with
/// figures, and sentences without any (for reports planted with too few facts).
pub struct Topic {
    pub key: &'static str,
    pub headings: &'static [&'static str],
    pub sentences: &'static [&'static str],
    pub generic: &'static [&'static str],
}

pub const STUDY: Topic = Topic {
    key: "study",
    headings: &[
        "坚持领导带头，抓实学法用法",
        "加强学法用法，提升依法行政能力",
        "抓好学习培训，提升干部法治素养",
        "健全学法制度，推动尊法学法守法用法",
    ],
    sentences: &[
        "全年组织党组会学法{8-14}次，理论学习中心组开展法治专题学习{3-6}次。",
        "制定年度学法计划，明确{10-18}项学习内容，{self}领导班子成员带头领学{4-9}次。",
        "举办法治专题讲座{2-5}场，邀请律师、高校教师授课，参训干部{60-260}人次。",
        "组织{40-180}名干部职工参加网上学法考试，参考率100%，平均成绩{86-96}分。",
        "{date}组织集中学习{law}，{self}干部职工{30-150}人参加。",
        "将法治教育纳入干部教育培训总体规划，全年安排法治类课程{6-15}学时。",
        "新提任的{2-9}名科级干部任前均参加法律知识考试，全部合格。",
        "开展“法律进机关”主题学习，编印学习资料{100-600}册。",
    ],
    generic: &[
        "坚持把学法作为领导班子理论学习的重要内容，不断完善学法制度。",
        "组织干部职工学习宪法和相关法律法规，增强干部的法治观念。",
        "坚持会前学法，推动领导干部带头尊法学法守法用法。",
        "通过集中学习和个人自学相结合的方式，营造学法用法的良好氛围。",
    ],
};

pub const DECISIONS: Topic = Topic {
    key: "decisions",
    headings: &[
        "严格依法决策，规范重大行政决策程序",
        "健全决策机制，提升决策法治化水平",
        "坚持科学民主依法决策",
    ],
    sentences: &[
        "全年作出重大行政决策{1-5}项，均履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。",
        "重大行政决策草案向社会公开征求意见，征求意见期均不少于30日，收到意见建议{5-40}条，采纳{2-15}条。",
        "聘请法律顾问{1-4}名，全年审查合同{12-80}份，提出法律意见{20-120}条。",
        "提交{self}领导班子会议研究的{15-60}个议题均事先经过合法性审查。",
        "组织专家论证会{1-4}次，邀请{5-12}名专家对决策事项进行论证。",
        "公布{year}年度重大行政决策事项目录，列入目录的{2-6}项决策全部按期完成。",
    ],
    generic: &[
        "坚持重大事项集体研究决定，严格执行议事规则。",
        "重大行政决策坚持合法性审查，未经审查的不提交讨论。",
        "充分发挥法律顾问作用，提升决策的科学性和合法性。",
        "进一步规范决策程序，防范决策风险。",
    ],
};

pub const DOCUMENTS: Topic = Topic {
    key: "documents",
    headings: &[
        "加强规范性文件监督管理",
        "严格规范性文件合法性审核",
        "完善制度体系，规范文件管理",
    ],
    sentences: &[
        "全年制发行政规范性文件{1-6}件，合法性审核率、备案率均为100%。",
        "对涉及经营主体经济活动的{3-20}件政策措施开展公平竞争审查，未发现排除、限制竞争的内容。",
        "开展规范性文件清理，共清理文件{20-90}件，废止{1-8}件、修改{1-6}件。",
        "规范性文件均在印发后30日内报送备案，并通过政府网站向社会公布。",
        "建立规范性文件目录动态更新机制，现行有效的{8-40}件文件全部公开。",
    ],
    generic: &[
        "严格落实规范性文件合法性审核机制，坚持应审尽审。",
        "认真做好规范性文件备案和清理工作。",
        "落实公平竞争审查制度，维护市场公平竞争秩序。",
    ],
};

pub const ENFORCEMENT: Topic = Topic {
    key: "enforcement",
    headings: &[
        "严格规范公正文明执法",
        "深化行政执法规范化建设",
        "全面落实行政执法三项制度",
    ],
    sentences: &[
        "{3-25}名执法人员参加执法资格和业务培训，人均{60-72}学时。",
        "全年开展执法检查{20-180}次，检查{objects}{30-400}家次，督促整改问题{10-120}个。",
        "办理行政处罚案件{5-90}件，罚没款{3-160}万元，重大执法决定法制审核率100%。",
        "在政府网站公示执法信息{20-200}条，执法全过程记录覆盖率100%。",
        "更新行政执法事项清单，梳理执法事项{40-260}项，编制执法流程图{5-30}张。",
        "推行包容审慎监管，对{5-40}起首次轻微违法行为依法不予处罚。",
        "组织开展行政执法案卷评查，评查案卷{10-60}卷，优良率{85-98}%。",
    ],
    generic: &[
        "严格执行行政执法公示、执法全过程记录和重大执法决定法制审核制度。",
        "加强执法人员管理，做到持证上岗、亮证执法。",
        "规范行政裁量权基准，推动严格规范公正文明执法。",
        "坚持执法与服务相结合，寓管理于服务之中。",
    ],
};

pub const DISCLOSURE: Topic = Topic {
    key: "disclosure",
    headings: &["深化政务公开，保障群众知情权", "推进政务公开标准化规范化"],
    sentences: &[
        "全年主动公开政府信息{60-500}条，发布政策解读{5-30}篇。",
        "办理依申请公开{1-25}件，均在法定期限内答复。",
        "更新政务公开目录{10-60}项，完善基层政务公开标准指引。",
        "召开新闻发布会{1-6}场，回应社会关切{10-70}条。",
    ],
    generic: &[
        "坚持以公开为常态、不公开为例外，及时公开各类政务信息。",
        "认真办理依申请公开事项，依法保障群众知情权。",
        "加强政策解读，回应社会关切。",
    ],
};

pub const PUBLICITY: Topic = Topic {
    key: "publicity",
    headings: &[
        "落实普法责任，营造浓厚法治氛围",
        "扎实开展法治宣传教育",
        "压实“谁执法谁普法”普法责任",
    ],
    sentences: &[
        "全年开展普法活动{6-40}场，发放宣传资料{800-6000}份，覆盖群众{1000-20000}人次。",
        "{date}开展{activity}集中宣传，现场解答咨询{30-300}人次。",
        "深入{objects}开展送法上门{10-80}家次，为企业和群众解决法律问题{10-90}个。",
        "制定普法责任清单，明确普法任务{10-30}项，年度完成率100%。",
        "通过微信公众号推送普法信息{20-150}条，阅读量累计{8000-90000}次。",
        "以案释法，发布典型案例{3-12}个。",
    ],
    generic: &[
        "认真落实“谁执法谁普法”普法责任制，结合业务工作开展法治宣传。",
        "利用各类宣传阵地，广泛宣传与群众生产生活密切相关的法律法规。",
        "坚持把普法融入执法、管理和服务全过程。",
    ],
};

pub const REVIEW: Topic = Topic {
    key: "review",
    headings: &[
        "依法化解行政争议",
        "自觉接受监督，规范权力运行",
        "做好行政复议应诉工作",
    ],
    sentences: &[
        "全年发生行政复议案件{0-8}件、行政诉讼案件{0-6}件，均依法办理，未发生败诉。",
        "负责人出庭应诉{1-6}次，出庭应诉率100%。",
        "认真落实行政复议决定和司法建议，{self}对{1-5}件被指出问题的案件逐一整改。",
        "主动接受人大监督和政协民主监督，办理人大代表建议{3-30}件、政协提案{3-30}件，办复率100%，满意率{92-100}%。",
        "配合开展内部审计{1-4}次，对发现的{2-15}个问题全部完成整改。",
    ],
    generic: &[
        "自觉接受人大监督、民主监督和社会监督。",
        "认真做好行政复议和行政应诉工作，依法化解行政争议。",
        "认真办理人大代表建议和政协委员提案。",
    ],
};

pub const SERVICES: Topic = Topic {
    key: "services",
    headings: &[
        "深化“放管服”改革，优化法治化营商环境",
        "持续优化政务服务",
        "推动政府职能转变",
    ],
    sentences: &[
        "梳理政务服务事项{20-160}项，其中{service}等{10-90}项实现全程网办。",
        "承诺办理时限平均压缩{30-65}%，即办件比例达到{40-80}%。",
        "走访{objects}{20-200}家，收集诉求{15-120}个，已解决{12-110}个。",
        "动态调整权责清单，调整权责事项{3-40}项。",
        "编制办事指南{10-80}份，一次性告知率100%。",
    ],
    generic: &[
        "持续深化“放管服”改革，优化办事流程。",
        "落实权责清单动态管理，推动政府职能转变。",
        "主动服务企业和群众，着力解决办事难问题。",
    ],
};

pub const DISPUTES: Topic = Topic {
    key: "disputes",
    headings: &["多元化解矛盾纠纷", "推进基层依法治理", "维护社会和谐稳定"],
    sentences: &[
        "全年受理信访事项{10-160}件，按期办结率{95-100}%。",
        "人民调解组织调解矛盾纠纷{20-300}起，调解成功率{95-99}%。",
        "培育“法律明白人”{20-120}名，{3-12}个村（社区）开展民主法治示范创建。",
        "村（社区）法律顾问全覆盖，全年提供法律咨询{60-600}人次。",
        "排查矛盾纠纷{20-200}起，化解{18-190}起。",
    ],
    generic: &[
        "坚持和发展新时代“枫桥经验”，把矛盾纠纷化解在基层。",
        "完善人民调解、行政调解、司法调解联动工作体系。",
        "加强基层法治宣传，提升群众法治意识。",
    ],
};

pub const SUPERVISION: Topic = Topic {
    key: "supervision",
    headings: &[
        "统筹推进法治督察",
        "加强法治建设统筹协调",
        "压实法治建设责任",
    ],
    sentences: &[
        "组织开展法治政府建设督察{1-4}次，覆盖{8-40}个单位，反馈问题{10-80}个。",
        "审查{lvl}政府规范性文件{5-30}件，提出修改意见{10-60}条。",
        "办理行政复议案件{20-200}件，纠错率{5-18}%。",
        "组织{lvl}直部门开展法治政府建设年度报告工作，督促{20-60}个单位按时公开年度报告。",
        "开展行政执法人员资格考试{1-3}次，{50-400}人参加。",
    ],
    generic: &[
        "充分发挥统筹协调作用，推动法治建设各项任务落实。",
        "加强对法治政府建设工作的督促指导。",
        "推动法治督察与纪检监察监督协作配合。",
    ],
};

/// The topics a unit may report, the study topic first; [`SUPERVISION`] only for the
/// supervising bodies and [`DISPUTES`] for governments, townships and 信访.
pub fn topics(area: Area) -> Vec<&'static Topic> {
    let mut t: Vec<&'static Topic> = vec![
        &DECISIONS,
        &DOCUMENTS,
        &ENFORCEMENT,
        &DISCLOSURE,
        &PUBLICITY,
        &REVIEW,
        &SERVICES,
    ];
    match area {
        Area::Justice | Area::RuleOfLawOffice => {
            t.push(&SUPERVISION);
            t.push(&SUPERVISION);
        }
        Area::Government | Area::Township | Area::Petitions | Area::CivilAffairs => {
            t.push(&DISPUTES);
            t.push(&DISPUTES);
        }
        _ => {}
    }
    t
}

/// A problem of 存在的不足, with its cause and the plan that answers it. The three share key
/// words (执法队伍, 普法宣传 …) so the plan visibly answers the problem.
pub struct Shortcoming {
    pub problem: &'static str,
    /// Written with a cause word (由于 / 原因 / 受…影响 …).
    pub cause: &'static str,
    pub plan: &'static str,
}

pub const SHORTCOMINGS: &[Shortcoming] = &[
    Shortcoming {
        problem: "执法队伍专业化程度不高，部分执法人员对新修订法律法规掌握不够",
        cause: "执法人员更新较快，新进人员多，系统培训的时间和机会有限",
        plan: "制定执法队伍培训计划，确保每名执法人员全年培训不少于60学时",
    },
    Shortcoming {
        problem: "普法宣传形式较为单一，针对企业和群众的精准普法不够",
        cause: "普法宣传仍以发放资料、集中宣讲为主，新媒体运用不足",
        plan: "创新普法宣传方式，运用短视频、微信公众号开展精准普法",
    },
    Shortcoming {
        problem: "行政执法监督不够有力，执法案卷质量参差不齐",
        cause: "内部执法监督力量薄弱，案卷评查未形成常态",
        plan: "开展执法案卷评查，每半年评查一次，发现问题限期整改",
    },
    Shortcoming {
        problem: "规范性文件合法性审核力量不足，审核周期偏长",
        cause: "法制审核人员只有兼职人员，专业背景人员较少",
        plan: "充实规范性文件合法性审核力量，发挥法律顾问和公职律师作用",
    },
    Shortcoming {
        problem: "政务公开的及时性有待提高，部分政策解读不够通俗",
        cause: "信息发布审核环节较多，业务科室对政策解读重视不够",
        plan: "优化信息发布审核流程，由业务科室负责同步撰写政策解读",
    },
    Shortcoming {
        problem: "法治信息化水平不高，执法数据共享不够",
        cause: "各业务系统建设时间不一，数据标准不统一",
        plan: "推进执法信息化建设，打通业务系统，实现执法数据共享",
    },
    Shortcoming {
        problem: "领导干部学法的系统性不强，以案学法不多",
        cause: "日常事务较多，学法计划执行有时让位于业务工作",
        plan: "严格执行年度学法计划，每季度至少开展一次以案学法",
    },
    Shortcoming {
        problem: "基层法治力量薄弱，村（社区）法律服务供给不足",
        cause: "基层司法所人员少、任务重，专业法律人才引进难",
        plan: "充实基层法治力量，推动村（社区）法律顾问常态化服务",
    },
    Shortcoming {
        problem: "行政复议应诉能力有待提升，个别案件答辩不够充分",
        cause: "熟悉行政复议应诉程序的工作人员较少，应诉案件办理经验不足",
        plan: "加强行政复议应诉能力培训，落实负责人出庭应诉制度",
    },
];

/// Openings of a cause sentence, each holding a cause word the checker looks for.
pub const CAUSE_LEADS: &[&str] = &["主要原因是", "究其原因，主要是", "分析原因：一是"];

/// Plans beyond the answers to the problems.
pub const PLANS: &[&str] = &[
    "深入学习贯彻习近平法治思想，把法治建设纳入{self}年度重点工作，与业务工作同部署、同推进",
    "严格落实重大行政决策程序，编制并公布{next}年度重大行政决策事项目录",
    "落实年度普法计划，组织开展{activity}等主题宣传",
    "持续优化法治化营商环境，推动{service}等事项“一网通办”",
    "健全行政执法协调监督机制，开展行政执法质量评查",
    "做好法治政府建设年度报告的编写和公开工作，按时向社会公开",
];

/// What a unit works on, for the placeholders.
pub struct AreaWords {
    pub law: &'static str,
    pub objects: &'static str,
    pub service: &'static str,
    pub activity: &'static str,
}

pub fn area_words(area: Area) -> AreaWords {
    match area {
        Area::Government => GOVERNMENT,
        Area::Justice => JUSTICE,
        Area::RuleOfLawOffice => RULE_OF_LAW_OFFICE,
        Area::Township => TOWNSHIP,
        Area::Science => SCIENCE,
        Area::Development => DEVELOPMENT,
        Area::Education => EDUCATION,
        Area::Police => POLICE,
        Area::Finance => FINANCE,
        Area::HumanResources => HUMAN_RESOURCES,
        Area::NaturalResources => NATURAL_RESOURCES,
        Area::Environment => ENVIRONMENT,
        Area::Housing => HOUSING,
        Area::Transport => TRANSPORT,
        Area::Agriculture => AGRICULTURE,
        Area::Market => MARKET,
        Area::Water => WATER,
        Area::Commerce => COMMERCE,
        Area::Culture => CULTURE,
        Area::Health => HEALTH,
        Area::Emergency => EMERGENCY,
        Area::Veterans => VETERANS,
        Area::Audit => AUDIT,
        Area::Statistics => STATISTICS,
        Area::CivilAffairs => CIVIL_AFFAIRS,
        Area::Medical => MEDICAL,
        Area::Forestry => FORESTRY,
        Area::CityManagement => CITY_MANAGEMENT,
        Area::Petitions => PETITIONS,
        Area::GovernmentServices => GOVERNMENT_SERVICES,
    }
}

const GOVERNMENT: AreaWords = AreaWords {
    law: "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》",
    objects: "企业",
    service: "企业开办",
    activity: "“宪法宣传周”",
};

const JUSTICE: AreaWords = AreaWords {
    law: "《中华人民共和国行政复议法》",
    objects: "企业",
    service: "法律援助申请",
    activity: "“宪法宣传周”",
};

const RULE_OF_LAW_OFFICE: AreaWords = AreaWords {
    law: "《法治政府建设与责任落实督察工作规定》",
    objects: "单位",
    service: "法治督察",
    activity: "“民法典宣传月”",
};

const TOWNSHIP: AreaWords = AreaWords {
    law: "《中华人民共和国村民委员会组织法》",
    objects: "辖区经营主体",
    service: "社会救助申请",
    activity: "“法治进乡村”",
};

const SCIENCE: AreaWords = AreaWords {
    law: "《中华人民共和国科学技术进步法》",
    objects: "科技型中小企业",
    service: "技术合同登记",
    activity: "“科技活动周”",
};

const DEVELOPMENT: AreaWords = AreaWords {
    law: "《优化营商环境条例》",
    objects: "重点项目单位",
    service: "企业投资项目备案",
    activity: "“优化营商环境宣传月”",
};

const EDUCATION: AreaWords = AreaWords {
    law: "《中华人民共和国教育法》",
    objects: "中小学校",
    service: "民办学校审批",
    activity: "“法治进校园”",
};

const POLICE: AreaWords = AreaWords {
    law: "《中华人民共和国治安管理处罚法》",
    objects: "重点行业场所",
    service: "户籍业务",
    activity: "“全民国家安全教育日”",
};

const FINANCE: AreaWords = AreaWords {
    law: "《中华人民共和国预算法》",
    objects: "预算单位",
    service: "政府采购备案",
    activity: "“财经法规宣传周”",
};

const HUMAN_RESOURCES: AreaWords = AreaWords {
    law: "《保障农民工工资支付条例》",
    objects: "用人单位",
    service: "社会保险登记",
    activity: "“劳动法律进企业”",
};

const NATURAL_RESOURCES: AreaWords = AreaWords {
    law: "《中华人民共和国土地管理法》",
    objects: "用地单位",
    service: "不动产登记",
    activity: "“全国土地日”",
};

const ENVIRONMENT: AreaWords = AreaWords {
    law: "《中华人民共和国环境保护法》",
    objects: "排污单位",
    service: "排污许可",
    activity: "“六五环境日”",
};

const HOUSING: AreaWords = AreaWords {
    law: "《中华人民共和国建筑法》",
    objects: "在建工地",
    service: "施工许可",
    activity: "“建筑安全宣传周”",
};

const TRANSPORT: AreaWords = AreaWords {
    law: "《中华人民共和国道路交通安全法》",
    objects: "道路运输企业",
    service: "道路运输经营许可",
    activity: "“安全生产月”",
};

const AGRICULTURE: AreaWords = AreaWords {
    law: "《中华人民共和国农产品质量安全法》",
    objects: "农资经营户",
    service: "农药经营许可",
    activity: "“放心农资下乡进村”",
};

const MARKET: AreaWords = AreaWords {
    law: "《中华人民共和国食品安全法》",
    objects: "食品生产经营主体",
    service: "个体工商户登记",
    activity: "“3·15”消费者权益保护",
};

const WATER: AreaWords = AreaWords {
    law: "《中华人民共和国水法》",
    objects: "取水单位",
    service: "取水许可",
    activity: "“中国水周”",
};

const COMMERCE: AreaWords = AreaWords {
    law: "《中华人民共和国电子商务法》",
    objects: "商贸企业",
    service: "对外贸易经营者备案",
    activity: "“商务法律服务进企业”",
};

const CULTURE: AreaWords = AreaWords {
    law: "《中华人民共和国文物保护法》",
    objects: "文化经营场所",
    service: "营业性演出审批",
    activity: "“文化和自然遗产日”",
};

const HEALTH: AreaWords = AreaWords {
    law: "《中华人民共和国基本医疗卫生与健康促进法》",
    objects: "医疗机构",
    service: "医师执业注册",
    activity: "“健康知识进万家”",
};

const EMERGENCY: AreaWords = AreaWords {
    law: "《中华人民共和国安全生产法》",
    objects: "危险化学品企业",
    service: "安全生产许可",
    activity: "“安全生产月”",
};

const VETERANS: AreaWords = AreaWords {
    law: "《中华人民共和国退役军人保障法》",
    objects: "退役军人服务站",
    service: "优待证申领",
    activity: "“八一”拥军优属",
};

const AUDIT: AreaWords = AreaWords {
    law: "《中华人民共和国审计法》",
    objects: "被审计单位",
    service: "审计结果公告",
    activity: "“审计法宣传周”",
};

const STATISTICS: AreaWords = AreaWords {
    law: "《中华人民共和国统计法》",
    objects: "统计调查对象",
    service: "统计调查项目审批",
    activity: "“统计开放日”",
};

const CIVIL_AFFAIRS: AreaWords = AreaWords {
    law: "《社会救助暂行办法》",
    objects: "养老机构",
    service: "最低生活保障申请",
    activity: "“民法典宣传月”",
};

const MEDICAL: AreaWords = AreaWords {
    law: "《医疗保障基金使用监督管理条例》",
    objects: "定点医药机构",
    service: "异地就医备案",
    activity: "“医保基金监管集中宣传月”",
};

const FORESTRY: AreaWords = AreaWords {
    law: "《中华人民共和国森林法》",
    objects: "林业经营主体",
    service: "林木采伐许可",
    activity: "“植树节”",
};

const CITY_MANAGEMENT: AreaWords = AreaWords {
    law: "《城市市容和环境卫生管理条例》",
    objects: "沿街商户",
    service: "户外广告设置审批",
    activity: "“城管进社区”",
};

const PETITIONS: AreaWords = AreaWords {
    law: "《信访工作条例》",
    objects: "信访群众",
    service: "网上信访",
    activity: "“信访法治宣传月”",
};

const GOVERNMENT_SERVICES: AreaWords = AreaWords {
    law: "《优化营商环境条例》",
    objects: "办事企业",
    service: "企业开办",
    activity: "“政务服务宣传周”",
};
