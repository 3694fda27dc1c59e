//! The lexicons: stock phrases and formulas, study-word chains, named events.

/// Stock phrases of the genre that carry no information by themselves. Matches of these and
/// of [`STOCK_FORMULAS`] are merged leftmost-longest, so overlapping entries count once.
pub const STOCK_PHRASES: &[&str] = &[
    // Political formulas.
    "提高政治站位",
    "政治站位",
    "树牢“四个意识”",
    "增强“四个意识”",
    "“四个意识”",
    "四个意识",
    "坚定“四个自信”",
    "“四个自信”",
    "四个自信",
    "做到“两个维护”",
    "“两个维护”",
    "两个维护",
    "“两个确立”",
    "两个确立",
    "旗帜鲜明讲政治",
    "政治判断力",
    "政治领悟力",
    "政治执行力",
    "首要政治任务",
    "重要政治任务",
    "重大政治任务",
    "以习近平新时代中国特色社会主义思想为指导",
    "习近平新时代中国特色社会主义思想",
    "学习贯彻习近平法治思想",
    "学习宣传贯彻习近平法治思想",
    "全面依法治国",
    "正确领导",
    "坚强领导",
    "决策部署",
    "关键少数",
    "示范带动作用",
    "带头作用",
    "重要组织者、推动者和实践者",
    // Study formulas.
    "学深悟透",
    "学思践悟",
    "学通弄懂",
    "入脑入心",
    "深入人心",
    "走深走实",
    "学以致用",
    "武装头脑",
    "指导实践",
    "推动工作",
    "深刻认识",
    "深刻领会",
    "精神实质",
    "丰富内涵",
    "核心要义",
    "重大意义",
    "深入学习贯彻",
    "认真学习贯彻",
    "深入贯彻落实",
    "认真贯彻落实",
    "贯彻落实",
    // Atmosphere and guarantee.
    "营造良好氛围",
    "良好氛围",
    "浓厚氛围",
    "良好风气",
    "良好风尚",
    "保驾护航",
    "有力保障",
    "法治保障",
    "良好的法治环境",
    "法治环境",
    "优化营商环境",
    "营商环境",
    "高质量发展",
    "向上向好",
    "内生动力",
    // Intensifiers that promise without saying.
    "不断提升",
    "不断提高",
    "不断增强",
    "不断完善",
    "不断加强",
    "不断强化",
    "不断夯实",
    "进一步加强",
    "进一步提高",
    "进一步提升",
    "进一步完善",
    "进一步强化",
    "进一步健全",
    "进一步规范",
    "进一步增强",
    "切实增强",
    "切实提高",
    "切实加强",
    "切实履行",
    "切实落实",
    "全面提升",
    "全面推进",
    "全面落实",
    "大力推进",
    "扎实推进",
    "深入推进",
    "持续推进",
    "统筹推进",
    "稳步推进",
    "有序推进",
    "持续深化",
    "纵深发展",
    "向纵深推进",
    "扎实有效",
    "扎实开展",
    "深入开展",
    "积极营造",
    "着力提升",
    "着力构建",
    "全力打造",
    // Results without results.
    "落到实处",
    "取得实效",
    "取得明显成效",
    "取得积极成效",
    "取得一定成效",
    "取得了良好效果",
    "良好效果",
    "明显提升",
    "显著提升",
    "有效提高",
    "有效提升",
    // Responsibility formulas.
    "层层传导压力",
    "拧紧责任链条",
    "压紧压实",
    "压实责任",
    "责任落实",
    "同部署、同推进、同督促、同考核",
    "同部署",
    "长抓不懈",
    "常抓不懈",
    "久久为功",
    "履职尽责",
    "担当作为",
    "摆在重要位置",
    "突出位置",
    "全过程、各环节",
    "全过程各方面",
    "体制机制",
    "长效机制",
    "工作格局",
    "与时俱进",
    "开拓创新",
    "新形势新任务",
    "新形势新要求",
    "针对性和实效性",
    "主动性和积极性",
    // Rule-of-law formulas.
    "法治思维和法治方式",
    "法治思维",
    "法治方式",
    "法治意识",
    "法治观念",
    "法治素养",
    "尊法学法守法用法",
    "尊法守法、学法用法",
    "依法办事",
    // Study of the party's documents, as formulas.
    "深入学习领会",
    "重要指示批示精神",
    "重要讲话重要指示精神",
    "重要讲话精神",
    "重要指示精神",
    "作为第一议题",
    "第一议题",
    "法治精神",
    "弘扬法治精神",
    "全心全意为人民服务",
    "一流营商环境",
    "法治化营商环境",
    "经济社会发展",
    "坚定不移",
    "紧紧围绕",
    "全面从严治党",
    "标本兼治",
    "有机结合",
    "结合起来",
    "解放思想",
    "能力和水平",
    "示范带动",
    "持续激发",
    "重要举措",
    "有效举措",
    // Shortcomings as formulas.
    "有待进一步提高",
    "有待进一步加强",
    "有待提高",
    "有待加强",
    "仍需加强",
    "仍需提高",
    "还需加强",
    "还需不断加强",
    "亟需提升",
    "还有差距",
    "不够深入",
    "不够全面",
];

/// A stock formula with a variable middle: `prefix`, then `min_gap` to `max_gap` characters
/// without clause or sentence punctuation, then one of `suffixes` (营造……氛围, 以……为指导).
pub struct Formula {
    pub prefix: &'static str,
    pub suffixes: &'static [&'static str],
    pub min_gap: usize,
    pub max_gap: usize,
}

/// The stock formulas. None crosses a comma or a sentence end.
pub const STOCK_FORMULAS: &[Formula] = &[
    Formula {
        prefix: "以",
        suffixes: &["为指导"],
        min_gap: 2,
        max_gap: 24,
    },
    Formula {
        prefix: "营造",
        suffixes: &["氛围", "风尚", "风气"],
        min_gap: 0,
        max_gap: 10,
    },
    Formula {
        prefix: "为",
        suffixes: &["保驾护航"],
        min_gap: 0,
        max_gap: 14,
    },
];

/// Words that chain into study formulas (学习宣传贯彻, 贯彻落实); every chain of two to four
/// distinct ones is a stock phrase.
pub(super) const STUDY_WORDS: &[&str] = &["学习", "宣传", "贯彻", "落实", "领会"];

/// The length in bytes of a chain of two to four distinct [`STUDY_WORDS`] at the start of
/// `s` (学习宣传贯彻), or 0.
pub(super) fn study_chain(s: &str) -> usize {
    let mut used = [false; 5];
    let mut len = 0;
    let mut words = 0;
    while words < 4 {
        let Some(k) = STUDY_WORDS.iter().position(|w| s[len..].starts_with(w)) else {
            break;
        };
        if used[k] {
            break;
        }
        used[k] = true;
        len += STUDY_WORDS[k].len();
        words += 1;
    }
    if words >= 2 {
        len
    } else {
        0
    }
}

/// Generated stock phrases: 二十大 / 二十届X中全会 精神, 带头学、带头讲….
pub(super) fn generated_phrases() -> Vec<String> {
    let mut out = Vec::new();
    for session in [
        "大",
        "届一中全会",
        "届二中全会",
        "届三中全会",
        "届四中全会",
        "届五中全会",
        "届六中全会",
        "届七中全会",
    ] {
        out.push(format!("党的二十{session}精神"));
        out.push(format!("二十{session}精神"));
    }
    out.push("带头学、带头讲、带头干".into());
    out.push("带头学、带头讲".into());
    out.push("亲自抓、负总责".into());
    out
}

/// Named recurring events that make a statement concrete (国家安全日, 宪法宣传周 …).
pub(super) const NAMED_EVENTS: &[&str] = &[
    "宪法宣传周",
    "国家宪法日",
    "国家安全教育日",
    "国家安全日",
    "安全生产月",
    "民法典宣传月",
    "质量月",
    "知识产权宣传周",
    "科技活动周",
    "网络安全宣传周",
    "消费者权益保护日",
    "防范非法集资宣传月",
    "禁毒日",
    "12·4",
    "3·15",
];
