// Real cities and business districts (商圈). Weights approximate urban population (millions)
// so the member base concentrates where real loyalty programs do.

export type City = {
  province: string;
  city: string;
  weight: number;
  districts: readonly string[];
};

export const CITIES: readonly City[] = [
  { province: "上海市", city: "上海市", weight: 24.9, districts: ["陆家嘴", "南京西路", "徐家汇", "五角场", "静安寺"] },
  { province: "北京市", city: "北京市", weight: 21.8, districts: ["三里屯", "国贸", "中关村", "西单", "王府井"] },
  { province: "重庆市", city: "重庆市", weight: 16.0, districts: ["解放碑", "观音桥", "三峡广场"] },
  { province: "四川省", city: "成都市", weight: 21.2, districts: ["春熙路", "太古里", "建设路", "金融城"] },
  { province: "广东省", city: "广州市", weight: 18.8, districts: ["天河路", "珠江新城", "北京路", "番禺万达"] },
  { province: "广东省", city: "深圳市", weight: 17.7, districts: ["华强北", "南山科技园", "福田CBD", "东门"] },
  { province: "天津市", city: "天津市", weight: 13.6, districts: ["滨江道", "小白楼", "大悦城"] },
  { province: "湖北省", city: "武汉市", weight: 13.7, districts: ["江汉路", "光谷", "楚河汉街"] },
  { province: "陕西省", city: "西安市", weight: 13.0, districts: ["钟楼", "小寨", "曲江"] },
  { province: "浙江省", city: "杭州市", weight: 12.4, districts: ["武林广场", "西湖", "湖滨银泰", "钱江新城"] },
  { province: "江苏省", city: "苏州市", weight: 12.9, districts: ["观前街", "金鸡湖", "石路"] },
  { province: "河南省", city: "郑州市", weight: 12.8, districts: ["二七广场", "郑东新区"] },
  { province: "江苏省", city: "南京市", weight: 9.5, districts: ["新街口", "河西万达", "夫子庙"] },
  { province: "湖南省", city: "长沙市", weight: 10.4, districts: ["五一广场", "万家丽", "梅溪湖"] },
  { province: "山东省", city: "青岛市", weight: 10.3, districts: ["台东", "香港中路"] },
  { province: "福建省", city: "厦门市", weight: 5.3, districts: ["中山路", "万象城"] },
];

/** Districts in a CBD or tech park: their members skew to white-collar buying patterns. */
export const OFFICE_DISTRICTS: ReadonlySet<string> = new Set([
  "陆家嘴", "南京西路", "国贸", "中关村", "珠江新城", "南山科技园", "福田CBD", "光谷", "钱江新城", "金融城", "金鸡湖", "郑东新区",
]);
