"""The normaliser on a corpus of phrases of Vietnamese public announcements, one table per category.

Phrases are of the kinds read on commune loudspeakers: notices of meetings, power cuts, vaccination and
weather; lists of addresses and numbers to call; and the categories of pyvinorm's public test suite
(written anew here, read by this project's conventions: "ngày" before a date that lacks it, "mồng" for
days 1 to 10, "phút" after minutes). With test_normalise.py's phrases they make more than 300 pairs.
"""

from __future__ import annotations

import pytest

from broadcaster.speech.normalise import TextNormaliser

Y2024 = "hai nghìn không trăm hai mươi tư"
Y2025 = "hai nghìn không trăm hai mươi lăm"
Y2026 = "hai nghìn không trăm hai mươi sáu"

TIMES = [
    ("Thời gian: 7h00 sáng thứ Hai", "Thời gian: bảy giờ sáng thứ Hai."),
    ("Lễ khai mạc bắt đầu lúc 8h", "Lễ khai mạc bắt đầu lúc tám giờ."),
    ("Hội nghị bắt đầu lúc 14h00 ngày 15/3/2025",
     f"Hội nghị bắt đầu lúc mười bốn giờ ngày mười lăm tháng ba năm {Y2025}."),
    ("bắn pháo hoa vào lúc 21g00", "bắn pháo hoa vào lúc hai mươi mốt giờ."),
    ("Đúng 21g26p tối nay", "Đúng hai mươi mốt giờ hai mươi sáu phút tối nay."),
    ("ghi nhận lúc 9h2m2s", "ghi nhận lúc chín giờ hai phút hai giây."),
    ("động đất xảy ra lúc 12h24p30s", "động đất xảy ra lúc mười hai giờ hai mươi tư phút ba mươi giây."),
    ("thời điểm 01:20:30", "thời điểm một giờ hai mươi phút ba mươi giây."),
    ("trận đấu diễn ra lúc 19:30", "trận đấu diễn ra lúc mười chín giờ ba mươi."),
    ("lúc 23h24m45s", "lúc hai mươi ba giờ hai mươi tư phút bốn mươi lăm giây."),
    ("Cắt điện từ 5h30 sáng", "Cắt điện từ năm giờ ba mươi sáng."),
    ("mở cửa lúc 6h15", "mở cửa lúc sáu giờ mười lăm."),
    ("hạn chót 16h30 thứ Sáu", "hạn chót mười sáu giờ ba mươi thứ Sáu."),
    ("phát sóng lúc 05h45", "phát sóng lúc năm giờ bốn mươi lăm."),
    ("lúc 0h00 ngày 1/1/2026", f"lúc không giờ ngày mồng một tháng một năm {Y2026}."),
    ("khoảng 10h05 sáng nay", "khoảng mười giờ năm phút sáng nay."),
    ("trước 11h30 hằng ngày", "trước mười một giờ ba mươi hằng ngày."),
    ("lúc 9h20p", "lúc chín giờ hai mươi phút."),
    ("lúc 7g30", "lúc bảy giờ ba mươi."),
    ("bắn pháo hoa lúc 21g", "bắn pháo hoa lúc hai mươi mốt giờ."),
    ("mỗi người 500g gạo, 20g muối", "mỗi người năm trăm gam gạo, hai mươi gam muối."),
    ("bây giờ là 10 h30", "bây giờ là mười giờ ba mươi."),
    ("bây giờ là 10 h30am", "bây giờ là mười giờ ba mươi ây em."),
    ("lúc 7:30 PM", "lúc bảy giờ ba mươi pi em."),
    ("đến 17:00 cùng ngày", "đến mười bảy giờ cùng ngày."),
    ("nhận hồ sơ đến 16 giờ 30", "nhận hồ sơ đến mười sáu giờ ba mươi."),
    ("chương trình kéo dài 2h30", "chương trình kéo dài hai giờ ba mươi phút."),
]

TIME_RANGES = [
    ("làm việc từ 9h - 10h", "làm việc từ chín giờ đến mười giờ."),
    ("tiếp dân 9h20p- 10h30", "tiếp dân chín giờ hai mươi phút đến mười giờ ba mươi."),
    ("từ 9h2p - 9h5p", "từ chín giờ hai phút đến chín giờ năm phút."),
    ("Buổi sáng: 7h30 - 11h00", "Buổi sáng: bảy giờ ba mươi đến mười một giờ."),
    ("Buổi chiều: 13h30-17h00", "Buổi chiều: mười ba giờ ba mươi đến mười bảy giờ."),
    ("cấm đường từ 22h đến 5h sáng hôm sau", "cấm đường từ hai mươi hai giờ đến năm giờ sáng hôm sau."),
    ("từ 7:30 đến 11:30", "từ bảy giờ ba mươi đến mười một giờ ba mươi."),
    ("giờ cao điểm 6h-9h và 16h-19h", "giờ cao điểm sáu giờ đến chín giờ và mười sáu giờ đến mười chín giờ."),
    ("mất điện từ 8h00 – 16h00", "mất điện từ tám giờ đến mười sáu giờ."),
    ("tiêm từ 7h đến 11h30", "tiêm từ bảy giờ đến mười một giờ ba mươi."),
    ("phát thanh 2 buổi: 5h30 - 6h00 và 17h00 - 17h30",
     "phát thanh hai buổi: năm giờ ba mươi đến sáu giờ và mười bảy giờ đến mười bảy giờ ba mươi."),
    ("trực 24/24 giờ", "trực hai mươi tư trên hai mươi tư giờ."),
    ("Trạm Y tế trực cấp cứu 24/24h", "Trạm Y tế trực cấp cứu hai mươi tư trên hai mươi tư giờ."),
]

DATES = [
    ("ngày 10/3/2025", f"ngày mồng mười tháng ba năm {Y2025}."),
    ("Hà Nội, ngày 02/9/1945", "Hà Nội, ngày mồng hai tháng chín năm một nghìn chín trăm bốn mươi lăm."),
    ("sinh ngày 5-09-1990", "sinh ngày mồng năm tháng chín năm một nghìn chín trăm chín mươi."),
    ("ngày 20.6.2025", f"ngày hai mươi tháng sáu năm {Y2025}."),
    ("ngày 24 - 7 - 2002", "ngày hai mươi tư tháng bảy năm hai nghìn không trăm linh hai."),
    ("Hạn nộp: 31/12/2025", f"Hạn nộp: ngày ba mươi mốt tháng mười hai năm {Y2025}."),
    ("kể từ ngày 01/01/2026", f"kể từ ngày mồng một tháng một năm {Y2026}."),
    ("tháng 01/2025", f"tháng một năm {Y2025}."),
    ("tháng 10/1998", "tháng mười năm một nghìn chín trăm chín mươi tám."),
    ("trong tháng 12/2024", f"trong tháng mười hai năm {Y2024}."),
    ("quý 4/2025", f"quý bốn năm {Y2025}."),
    ("ngày 30/4 và 1/5", "ngày ba mươi tháng tư và ngày mồng một tháng năm."),
    ("Kỷ niệm 79 năm Cách mạng tháng Tám và Quốc khánh 2/9",
     "Kỷ niệm bảy mươi chín năm Cách mạng tháng Tám và Quốc khánh mồng hai tháng chín."),
    ("ngày 27/7", "ngày hai mươi bảy tháng bảy."),
    ("ngày 22/12/2025", f"ngày hai mươi hai tháng mười hai năm {Y2025}."),
    ("vào ngày 15 tháng 8 năm 2025", f"vào ngày mười lăm tháng tám năm {Y2025}."),
    ("ngày 08/3/2026", f"ngày mồng tám tháng ba năm {Y2026}."),
    ("ngày 20/11", "ngày hai mươi tháng mười một."),
]

DATE_RANGES = [
    ("từ 20/4 đến 30/6", "từ ngày hai mươi tháng tư đến ngày ba mươi tháng sáu."),
    ("từ 01/2025 đến 12/2025", f"từ tháng một năm {Y2025} đến tháng mười hai năm {Y2025}."),
    ("từ 02/2023 - 11/2024",
     f"từ tháng hai năm hai nghìn không trăm hai mươi ba đến tháng mười một năm {Y2024}."),
    ("từ 20-30/4", "từ ngày hai mươi đến ba mươi tháng tư."),
    ("từ 01-12/2025", f"từ tháng một đến tháng mười hai năm {Y2025}."),
    ("từ 02/2023 đến tháng 11/2024",
     f"từ tháng hai năm hai nghìn không trăm hai mươi ba đến tháng mười một năm {Y2024}."),
    ("từ ngày 15-20/8/2025", f"từ ngày mười lăm đến hai mươi tháng tám năm {Y2025}."),
    ("trong 2 ngày 28-29/11", "trong hai ngày hai mươi tám đến hai mươi chín tháng mười một."),
    ("từ ngày 01/6 đến hết ngày 31/8", "từ ngày mồng một tháng sáu đến hết ngày ba mươi mốt tháng tám."),
    ("giai đoạn 2021-2025", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm."),
    ("nhiệm kỳ 2025 - 2030", "nhiệm kỳ hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm ba mươi."),
    ("năm học 2025-2026", f"năm học {Y2025} đến {Y2026}."),
    ("trẻ từ 6-11 tuổi", "trẻ từ sáu đến mười một tuổi."),
    ("người từ 18 - 60 tuổi", "người từ mười tám đến sáu mươi tuổi."),
    ("mỗi hộ từ 3-5 người", "mỗi hộ từ ba đến năm người."),
    ("nghỉ Tết từ 25/1 đến 2/2", "nghỉ Tết từ ngày hai mươi lăm tháng một đến ngày mồng hai tháng hai."),
    ("lượng mưa 50-100 mm", "lượng mưa năm mươi đến một trăm mi li mét."),
    ("từ tháng 3 đến tháng 5/2025", f"từ tháng ba đến tháng năm năm {Y2025}."),
    ("trong 3 - 5 ngày tới", "trong ba đến năm ngày tới."),
    ("từ 07/12 - 18/12", "từ ngày mồng bảy tháng mười hai đến ngày mười tám tháng mười hai."),
]

DATES_IN_CONTEXT = [
    ("sáng mùng 8/3", "sáng mùng tám tháng ba."),
    ("đêm 29-12", "đêm hai mươi chín tháng mười hai."),
    ("rạng sáng 30/04", "rạng sáng ba mươi tháng tư."),
    ("tối 31/12 sẽ bắn pháo hoa", "tối ba mươi mốt tháng mười hai sẽ bắn pháo hoa."),
    ("chiều 15/8 tại hội trường", "chiều mười lăm tháng tám tại hội trường."),
    ("trưa 2/9", "trưa mồng hai tháng chín."),
    ("sáng ngày 5/10", "sáng ngày mồng năm tháng mười."),
    ("hôm 20/7", "hôm hai mươi tháng bảy."),
    ("ngày mồng 3/2", "ngày mồng ba tháng hai."),
    ("mùng 1 Tết", "mùng một Tết."),
    ("1/3 số hộ đã đăng ký", "một phần ba số hộ đã đăng ký."),
    ("đạt 2/3 kế hoạch", "đạt hai phần ba kế hoạch."),
    ("12/15 xã đã hoàn thành", "mười hai trên mười lăm xã đã hoàn thành."),
    ("ngày 3 và 4/6", "ngày mồng ba và ngày mồng bốn tháng sáu."),
    ("sáng 26-3", "sáng hai mươi sáu tháng ba."),
    ("khuya 14/2", "khuya mười bốn tháng hai."),
]

NEGATIVES = [
    ("-1.234,56", "âm một nghìn hai trăm ba mươi tư phẩy năm sáu."),
    ("nhiệt độ thấp nhất -2°C", "nhiệt độ thấp nhất âm hai độ xê."),
    ("Sa Pa có lúc xuống -3 độ C", "Sa Pa có lúc xuống âm ba độ xê."),
    ("nhiệt độ từ -1 đến 4°C", "nhiệt độ từ âm một đến bốn độ xê."),
    ("tăng trưởng -0,5%", "tăng trưởng âm không phẩy năm phần trăm."),
    ("mực nước -1,2 m", "mực nước âm một phẩy hai mét."),
    ("(-5°C)", "(âm năm độ xê)."),
    ("băng giá ở mức -10°C", "băng giá ở mức âm mười độ xê."),
]

FIGURES = [
    ("1.234,56", "một nghìn hai trăm ba mươi tư phẩy năm sáu."),
    ("12.345,67", "mười hai nghìn ba trăm bốn mươi lăm phẩy sáu bảy."),
    ("123.456,78", "một trăm hai mươi ba nghìn bốn trăm năm mươi sáu phẩy bảy tám."),
    ("1.409.234,5680", "một triệu bốn trăm linh chín nghìn hai trăm ba mươi tư phẩy năm sáu tám không."),
    ("1,234,567", "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy."),
    ("1,123.56", "một nghìn một trăm hai mươi ba phẩy năm sáu."),
    ("40°C", "bốn mươi độ xê."),
    ("40.1cm", "bốn mươi phẩy một xăng ti mét."),
    ("40.1cm2", "bốn mươi phẩy một xăng ti mét vuông."),
    ("1.234,56km3", "một nghìn hai trăm ba mươi tư phẩy năm sáu ki lô mét khối."),
    ("2,342.08ha", "hai nghìn ba trăm bốn mươi hai phẩy không tám héc ta."),
    ("hỗ trợ 1,5 triệu đồng", "hỗ trợ một phẩy năm triệu đồng."),
    ("lãi suất 6,5%", "lãi suất sáu phẩy năm phần trăm."),
    ("giá 25.000đ/kg", "giá hai mươi lăm nghìn đồng trên ki lô gam."),
    ("tổng kinh phí 2.500.000.000 đồng", "tổng kinh phí hai tỷ năm trăm triệu đồng."),
    ("diện tích 1.250 m2", "diện tích một nghìn hai trăm năm mươi mét vuông."),
    ("lượng mưa 120 mm", "lượng mưa một trăm hai mươi mi li mét."),
    ("gió giật 90 km/h", "gió giật chín mươi ki lô mét trên giờ."),
    ("sốt trên 38°C", "sốt trên ba mươi tám độ xê."),
    ("thu hoạch 5,2 tấn/ha", "thu hoạch năm phẩy hai tấn trên héc ta."),
    ("đạt 98,5%", "đạt chín mươi tám phẩy năm phần trăm."),
    ("105 hộ", "một trăm linh năm hộ."),
    ("hơn 21 nghìn liều", "hơn hai mươi mốt nghìn liều."),
    ("cách bờ 300 km", "cách bờ ba trăm ki lô mét."),
    ("độ sâu 10 km", "độ sâu mười ki lô mét."),
    ("1 USD", "một đô la Mỹ."),
    ("Mức hỗ trợ: 50.000 đồng/người/ngày", "Mức hỗ trợ: năm mươi nghìn đồng trên người trên ngày."),
    ("thu nhập 65 triệu đồng/người/năm", "thu nhập sáu mươi lăm triệu đồng trên người trên năm."),
    ("nhiệt độ thấp nhất 5-8 độ C", "nhiệt độ thấp nhất năm đến tám độ xê."),
    ("Nhiệt độ cao nhất 35-37°C", "Nhiệt độ cao nhất ba mươi lăm đến ba mươi bảy độ xê."),
    ("Sóng biển cao 2-4m", "Sóng biển cao hai đến bốn mét."),
    ("giá lúa 7.500 - 8.000 đ/kg", "giá lúa bảy nghìn năm trăm đến tám nghìn đồng trên ki lô gam."),
    ("ghi rõ ngày/tháng/năm sinh", "ghi rõ ngày, tháng, năm sinh."),
]

ROMANS = [
    ("đại hội Đại biểu lần thứ XXVI", "đại hội Đại biểu lần thứ hai mươi sáu."),
    ("thế kỷ XXI", "thế kỷ hai mươi mốt."),
    ("kỳ họp thứ IX", "kỳ họp thứ chín."),
    ("Quý I/2025", f"Quý một năm {Y2025}."),
    ("trong quý II", "trong quý hai."),
    ("6 tháng cuối năm và quý IV", "sáu tháng cuối năm và quý bốn."),
    ("Đại hội XIV của Đảng", "Đại hội mười bốn của Đảng."),
    ("Quốc hội khóa XV", "Quốc hội khóa mười lăm."),
    ("Hội nghị Trung ương IV khóa XII", "Hội nghị Trung ương bốn khóa mười hai."),
    ("Đại hội Đảng bộ xã lần thứ XXIII, nhiệm kỳ 2025 - 2030",
     "Đại hội Đảng bộ xã lần thứ hai mươi ba, nhiệm kỳ hai nghìn không trăm hai mươi lăm đến "
     "hai nghìn không trăm ba mươi."),
    ("thế kỉ XX", "thế kỉ hai mươi."),
    ("giai đoạn II của dự án", "giai đoạn hai của dự án."),
    ("dịch ở cấp độ III", "dịch ở cấp độ ba."),
    ("Chiến tranh thế giới thứ II", "Chiến tranh thế giới thứ hai."),
    ("Phần III. TỔ CHỨC THỰC HIỆN", "Phần ba. TỔ CHỨC THỰC HIỆN."),
    ("III. TỔ CHỨC THỰC HIỆN", "ba. TỔ CHỨC THỰC HIỆN."),
    ("Chương IV", "Chương bốn."),
    ("hạng II", "hạng hai."),
]

PHONES = [
    ("Số điện thoại của tôi là +84 123 456 7890",
     "Số điện thoại của tôi là cộng tám bốn, một hai ba, bốn năm sáu, bảy tám chín không."),
    ("Liên hệ qua số 0123-456-789", "Liên hệ qua số không một hai ba, bốn năm sáu, bảy tám chín."),
    ("Gọi cho tôi theo số +1.800.555.1234",
     "Gọi cho tôi theo số cộng một, tám không không, năm năm năm, một hai ba bốn."),
    ("0 24 24 24 24", "không hai bốn, hai bốn, hai bốn, hai bốn."),
    ("+84 12 34 56 789", "cộng tám bốn, một hai, ba bốn, năm sáu, bảy tám chín."),
    ("1900 1234", "một chín không không, một hai ba bốn."),
    ("1800.1090", "một tám không không, một không chín không."),
    ("0908.144.144", "không chín không tám, một bốn bốn, một bốn bốn."),
    ("Đường dây nóng: 0912.345.678", "Đường dây nóng: không chín một hai, ba bốn năm, sáu bảy tám."),
    ("Hotline 1900 9095", "Hotline một chín không không, chín không chín năm."),
    ("Khi có cháy, gọi 114", "Khi có cháy, gọi một một bốn."),
    ("Công an 113, Cứu hỏa 114, Cấp cứu 115", "Công an một một ba, Cứu hỏa một một bốn, Cấp cứu một một năm."),
    ("gọi ngay 113 hoặc 114", "gọi ngay một một ba hoặc một một bốn."),
    ("tổng đài 1022", "tổng đài một không hai hai."),
    ("ĐT: 0262 3852 115", "điện thoại: không hai sáu hai, ba tám năm hai, một một năm."),
    ("SĐT 0987654321", "số điện thoại không chín tám bảy, sáu năm bốn, ba hai một."),
    ("liên hệ 0905 123 456 (anh Nam)", "liên hệ không chín không năm, một hai ba, bốn năm sáu (anh Nam)."),
    ("điện thoại 02623.852.115", "điện thoại không hai sáu hai ba, tám năm hai, một một năm."),
    ("Tổng đài 1800 1567 (miễn phí)", "Tổng đài một tám không không, một năm sáu bảy (miễn phí)."),
    ("số hotline 0236.3822.115", "số hotline không hai ba sáu, ba tám hai hai, một một năm."),
    ("gọi số 111 để được hỗ trợ", "gọi số một một một để được hỗ trợ."),
    ("Điện thoại liên hệ: (0262) 3 852 115", "Điện thoại liên hệ: không hai sáu hai, ba, tám năm hai, một một năm."),
    ("Zalo 0912345678", "Da lô không chín một hai, ba bốn năm, sáu bảy tám."),
]

IDENTIFIERS = [
    ("mã số thuế 0101234567", "mã số thuế không một không một, hai ba bốn, năm sáu bảy."),
    ("MST: 6000123456", "mã số thuế: sáu không không không, một hai ba, bốn năm sáu."),
    ("mã bưu chính 700000", "mã bưu chính bảy không không, không không không."),
    ("số CCCD 066190001234", "số căn cước công dân không sáu sáu, một chín không, không không một, hai ba bốn."),
    ("số tài khoản 1234567890 tại Agribank", "số tài khoản một hai ba bốn, năm sáu bảy, tám chín không tại Agribank."),
    ("tài khoản số 5100 2050 12345", "tài khoản số năm một không không, hai không năm không, một hai ba bốn năm."),
    ("mã định danh 123456", "mã định danh một hai ba, bốn năm sáu."),
    ("mã số 001", "mã số không không một."),
    ("hộ số 12 được hỗ trợ", "hộ số mười hai được hỗ trợ."),
    ("xe mang biển số 47A-123.45", "xe mang biển số bốn mươi bảy a, một hai ba, bốn năm."),
    ("xe máy biển số 51G1-12345", "xe máy biển số năm mươi mốt gờ một, một hai ba bốn năm."),
    ("Quyết định số 1234/QĐ-UBND", "Quyết định số một nghìn hai trăm ba mươi tư trên quy đê u bê nờ dê."),
]

ADDRESSES = [
    ("Số nhà 123, đường Nguyễn Văn Cừ, quận 1", "Số nhà một trăm hai mươi ba, đường Nguyễn Văn Cừ, quận một."),
    ("Số nhà 456, khu phố 5, thị trấn Thạnh Mỹ Lợi, huyện Nhà Bè",
     "Số nhà bốn trăm năm mươi sáu, khu phố năm, thị trấn Thạnh Mỹ Lợi, huyện Nhà Bè."),
    ("Số nhà 789, đường Lê Lợi, tp. Hồ Chí Minh, mã bưu chính 700000",
     "Số nhà bảy trăm tám mươi chín, đường Lê Lợi, thành phố Hồ Chí Minh, mã bưu chính bảy không không, "
     "không không không."),
    ("số 202, Dịch Vọng, q.Cầu Giấy, tp.Hà Nội", "số hai trăm linh hai, Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội."),
    ("lớp 6A1, trường THCS Nguyễn Du", "lớp sáu A một, trường trung học cơ sở Nguyễn Du."),
    ("kp. 4, phường Tân Hưng Thuận, quận 12, tp.HCM",
     "khu phố bốn, phường Tân Hưng Thuận, quận mười hai, thành phố Hồ Chí Minh."),
    ("p. Dịch Vọng Hậu, quận Cầu Giấy, tp. Hà Nội", "phường Dịch Vọng Hậu, quận Cầu Giấy, thành phố Hà Nội."),
    ("h. Kim Sơn, tỉnh Ninh Bình", "huyện Kim Sơn, tỉnh Ninh Bình."),
    ("tx. Tân Uyên, tỉnh Bình Dương", "thị xã Tân Uyên, tỉnh Bình Dương."),
    ("x. Phú Mỹ, h. Tân Thành, t . Bà Rịa - Vũng Tàu", "xã Phú Mỹ, huyện Tân Thành, tỉnh Bà Rịa, Vũng Tàu."),
    ("khu đô thị mới Thủ Thiêm, phường An Khánh, quận 2, tp.HCM",
     "khu đô thị mới Thủ Thiêm, phường An Khánh, quận hai, thành phố Hồ Chí Minh."),
    ("TP.HCM", "Thành phố Hồ Chí Minh."),
    ("Q.1, TP. HCM", "quận một, Thành phố Hồ Chí Minh."),
    ("P.5, Q.3", "phường năm, quận ba."),
    ("TT. Ea Knốp, H. Ea Kar", "thị trấn Ea Knốp, huyện Ea Kar."),
    ("TX. Buôn Hồ", "thị xã Buôn Hồ."),
    ("thôn 3, x. Ea Tu, TP. Buôn Ma Thuột", "thôn ba, xã Ea Tu, thành phố Buôn Ma Thuột."),
    ("Tổ dân phố 7, P. Tân Lợi", "Tổ dân phố bảy, phường Tân Lợi."),
    ("Km 15, QL 14", "ki lô mét mười lăm, quốc lộ mười bốn."),
    ("sạt lở trên QL14 và ĐT 741", "sạt lở trên quốc lộ mười bốn và đường tỉnh bảy trăm bốn mươi mốt."),
    ("Quốc lộ 1A, QL.1A", "Quốc lộ một A, quốc lộ một A."),
    ("tại UBND P. Thành Công", "tại Ủy ban nhân dân phường Thành Công."),
    ("KT. CHỦ TỊCH\nQ. CHỦ TỊCH", "ký thay CHỦ TỊCH\nquyền CHỦ TỊCH."),
    ("P. Trưởng phòng Văn hóa", "phó Trưởng phòng Văn hóa."),
]

ABBREVIATIONS = [
    ("Sở GD&ĐT tỉnh", "Sở Giáo dục và Đào tạo tỉnh."),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn."),
    ("Phòng LĐTBXH huyện", "Phòng Lao động, Thương binh và Xã hội huyện."),
    ("Ban Chỉ huy PCTT&TKCN xã", "Ban Chỉ huy Phòng chống thiên tai và Tìm kiếm cứu nạn xã."),
    ("đ/c Nguyễn Văn A, Chủ tịch UBND xã", "đồng chí Nguyễn Văn A, Chủ tịch Ủy ban nhân dân xã."),
    ("Đ/c Bí thư Đảng ủy", "đồng chí Bí thư Đảng ủy."),
    ("Công ty TNHH Minh Phát", "Công ty trách nhiệm hữu hạn Minh Phát."),
    ("phát triển KT-XH của địa phương", "phát triển kinh tế, xã hội của địa phương."),
    ("xây dựng NTM nâng cao", "xây dựng nông thôn mới nâng cao."),
    ("bảo đảm ATGT dịp Tết", "bảo đảm an toàn giao thông dịp Tết."),
    ("HĐND xã khóa XXI", "Hội đồng nhân dân xã khóa hai mươi mốt."),
    ("các trường THPT trên địa bàn", "các trường trung học phổ thông trên địa bàn."),
    ("thẻ BHYT, sổ BHXH", "thẻ bảo hiểm y tế, sổ bảo hiểm xã hội."),
    ("mang theo CCCD gắn chip", "mang theo căn cước công dân gắn chip."),
    ("Đội CSGT số 3", "Đội cảnh sát giao thông số ba."),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường."),
    ("Sở GTVT", "Sở Giao thông vận tải."),
    ("ngày hội CAND", "ngày hội Công an nhân dân."),
    ("thành lập QĐND Việt Nam", "thành lập Quân đội nhân dân Việt Nam."),
    ("kỳ thi THPTQG", "kỳ thi trung học phổ thông quốc gia."),
    ("- Lưu: VT, STTTT.", "Lưu: văn thư, Sở Thông tin và Truyền thông."),
    ("- CVP, CPCVP UBND tỉnh;", "Chánh Văn phòng, Chánh, Phó Chánh Văn phòng Ủy ban nhân dân tỉnh;"),
    ("Phòng TTBCXB, Phòng HCTC", "Phòng Thông tin, Báo chí, Xuất bản, Phòng Hành chính, Tổ chức."),
]

SCORES_AND_WEB = [
    ("Đội hình 3-4-3", "Đội hình ba bốn ba."),
    ("Đội hình 4-2-3-1", "Đội hình bốn hai ba một."),
    ("tỷ số 2 - 1 nghiêng về đội tuyển Việt Nam", "tỷ số hai một nghiêng về đội tuyển Việt Nam."),
    ("thắng với tỉ số 4-0", "thắng với tỉ số bốn không."),
    ("U23 Việt Nam", "U hai mươi ba Việt Nam."),
    ("Email của tôi là abc@gmail.com", "Email của tôi là abc a còng gmail chấm com."),
    ("gửi về hộp thư: ubndxa2025@gmail.com", "gửi về hộp thư: ubndxa hai không hai năm a còng gmail chấm com."),
    ("xem tại www.chinhphu.vn", "xem tại vê kép vê kép vê kép chấm chinhphu chấm vi en."),
    ("Cổng dịch vụ công: dichvucong.gov.vn", "Cổng dịch vụ công: dichvucong chấm gov chấm vi en."),
]

TABLES = {"times": TIMES, "time ranges": TIME_RANGES, "dates": DATES, "date ranges": DATE_RANGES,
          "dates in context": DATES_IN_CONTEXT, "negatives": NEGATIVES, "figures and units": FIGURES,
          "roman numerals": ROMANS, "phone numbers": PHONES, "identifiers": IDENTIFIERS, "addresses": ADDRESSES,
          "abbreviations": ABBREVIATIONS, "scores and addresses on the web": SCORES_AND_WEB}
CASES = [(table, written, spoken) for table, pairs in TABLES.items() for written, spoken in pairs]


@pytest.mark.parametrize("table, written, spoken", CASES, ids=[f"{c[0]}: {c[1][:30]}" for c in CASES])
def test_announcement_phrases_are_read_as_an_announcer_says_them(table, written, spoken):
    assert TextNormaliser().normalise(written) == spoken


def test_the_corpus_has_over_two_hundred_phrases_in_every_category():
    assert len(CASES) >= 220 and all(len(pairs) >= 8 for pairs in TABLES.values())
