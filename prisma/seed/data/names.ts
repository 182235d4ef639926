// Chinese names with pinyin (for plausible e-mail handles). Surname weights follow the
// rough frequency of the most common surnames; given names are one or two characters.

export const SURNAMES: readonly { name: string; pinyin: string; weight: number }[] = [
  { name: "王", pinyin: "wang", weight: 7.1 }, { name: "李", pinyin: "li", weight: 7.0 },
  { name: "张", pinyin: "zhang", weight: 6.7 }, { name: "刘", pinyin: "liu", weight: 5.4 },
  { name: "陈", pinyin: "chen", weight: 4.5 }, { name: "杨", pinyin: "yang", weight: 3.1 },
  { name: "黄", pinyin: "huang", weight: 2.2 }, { name: "赵", pinyin: "zhao", weight: 2.0 },
  { name: "吴", pinyin: "wu", weight: 2.0 }, { name: "周", pinyin: "zhou", weight: 1.9 },
  { name: "徐", pinyin: "xu", weight: 1.5 }, { name: "孙", pinyin: "sun", weight: 1.5 },
  { name: "马", pinyin: "ma", weight: 1.4 }, { name: "朱", pinyin: "zhu", weight: 1.3 },
  { name: "胡", pinyin: "hu", weight: 1.2 }, { name: "郭", pinyin: "guo", weight: 1.1 },
  { name: "何", pinyin: "he", weight: 1.1 }, { name: "林", pinyin: "lin", weight: 1.0 },
  { name: "高", pinyin: "gao", weight: 1.0 }, { name: "罗", pinyin: "luo", weight: 0.9 },
  { name: "郑", pinyin: "zheng", weight: 0.9 }, { name: "梁", pinyin: "liang", weight: 0.8 },
  { name: "谢", pinyin: "xie", weight: 0.7 }, { name: "宋", pinyin: "song", weight: 0.7 },
  { name: "唐", pinyin: "tang", weight: 0.6 }, { name: "许", pinyin: "xu", weight: 0.6 },
  { name: "韩", pinyin: "han", weight: 0.6 }, { name: "冯", pinyin: "feng", weight: 0.6 },
  { name: "邓", pinyin: "deng", weight: 0.6 }, { name: "曹", pinyin: "cao", weight: 0.5 },
  { name: "彭", pinyin: "peng", weight: 0.5 }, { name: "曾", pinyin: "zeng", weight: 0.5 },
  { name: "肖", pinyin: "xiao", weight: 0.5 }, { name: "田", pinyin: "tian", weight: 0.4 },
  { name: "董", pinyin: "dong", weight: 0.4 }, { name: "潘", pinyin: "pan", weight: 0.4 },
  { name: "袁", pinyin: "yuan", weight: 0.4 }, { name: "蔡", pinyin: "cai", weight: 0.4 },
  { name: "蒋", pinyin: "jiang", weight: 0.4 }, { name: "余", pinyin: "yu", weight: 0.4 },
  { name: "叶", pinyin: "ye", weight: 0.3 }, { name: "杜", pinyin: "du", weight: 0.3 },
  { name: "欧阳", pinyin: "ouyang", weight: 0.05 }, { name: "司马", pinyin: "sima", weight: 0.02 },
];

type Char = readonly [char: string, pinyin: string];

export const FEMALE_CHARS: readonly Char[] = [
  ["芳", "fang"], ["娜", "na"], ["敏", "min"], ["静", "jing"], ["丽", "li"], ["婷", "ting"], ["雪", "xue"],
  ["琳", "lin"], ["欣", "xin"], ["怡", "yi"], ["佳", "jia"], ["悦", "yue"], ["晨", "chen"], ["雨", "yu"],
  ["梦", "meng"], ["涵", "han"], ["萱", "xuan"], ["思", "si"], ["颖", "ying"], ["洁", "jie"], ["燕", "yan"],
  ["慧", "hui"], ["倩", "qian"], ["瑶", "yao"], ["嘉", "jia"], ["诗", "shi"], ["可", "ke"], ["玉", "yu"],
  ["美", "mei"], ["晓", "xiao"], ["文", "wen"], ["秀", "xiu"], ["月", "yue"], ["楠", "nan"], ["彤", "tong"],
];

export const MALE_CHARS: readonly Char[] = [
  ["伟", "wei"], ["强", "qiang"], ["磊", "lei"], ["军", "jun"], ["勇", "yong"], ["杰", "jie"], ["涛", "tao"],
  ["明", "ming"], ["超", "chao"], ["浩", "hao"], ["宇", "yu"], ["俊", "jun"], ["鹏", "peng"], ["辉", "hui"],
  ["斌", "bin"], ["峰", "feng"], ["健", "jian"], ["博", "bo"], ["轩", "xuan"], ["子", "zi"], ["然", "ran"],
  ["晨", "chen"], ["天", "tian"], ["泽", "ze"], ["一", "yi"], ["文", "wen"], ["志", "zhi"], ["建", "jian"],
  ["国", "guo"], ["华", "hua"], ["海", "hai"], ["亮", "liang"], ["鑫", "xin"], ["凯", "kai"], ["昊", "hao"],
];

/** Mobile number prefixes of the three carriers (11-digit numbers starting with 1). */
export const PHONE_PREFIXES: readonly string[] = [
  "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
  "157", "158", "159", "166", "170", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187",
  "188", "189", "191", "198", "199",
];

export const EMAIL_DOMAINS: readonly { domain: string; weight: number }[] = [
  { domain: "qq.com", weight: 45 }, { domain: "163.com", weight: 22 }, { domain: "126.com", weight: 9 },
  { domain: "sina.com", weight: 5 }, { domain: "outlook.com", weight: 7 }, { domain: "gmail.com", weight: 6 },
  { domain: "foxmail.com", weight: 6 },
];
