"""The normaliser on real phrases of official announcements: what is written, and what an announcer says.

Phrases come from the provincial plans in /work/shared/seeds (Đắk Lắk, Đắk Nông, Trà Vinh, 2021) and
from the sample texts in scripts_text/. A paragraph ends with a stop, so a phrase without one gains one.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.speech.normalise import TextNormaliser
from broadcaster.speech.readers import is_syllable, roman_value, spell

Y2020 = "hai nghìn không trăm hai mươi"
Y2021 = "hai nghìn không trăm hai mươi mốt"
Y2026 = "hai nghìn không trăm hai mươi sáu"

PHRASES = [
    # Document numbers: number, "trên" for "/", letters spelled; dates after "ngày".
    ("Nghị quyết số 68/NQ-CP ngày 01/7/2021",
     f"Nghị quyết số sáu mươi tám trên nờ quy xê pê ngày mồng một tháng bảy năm {Y2021}."),
    ("Nghị quyết số 68/NQ-CP, ngày 01/7/2021 của Chính phủ",
     f"Nghị quyết số sáu mươi tám trên nờ quy xê pê, ngày mồng một tháng bảy năm {Y2021} của Chính phủ."),
    ("Công điện số 1068/CĐ-TTg ngày 05/8/2021",
     f"Công điện số một nghìn không trăm sáu mươi tám trên xê đê tê tê gờ ngày mồng năm tháng tám năm {Y2021}."),
    ("Công điện số 1063/CĐ-TTg ngày 31/7/2021",
     f"Công điện số một nghìn không trăm sáu mươi ba trên xê đê tê tê gờ ngày ba mươi mốt tháng bảy năm {Y2021}."),
    ("Nghị định số 117/2020/NĐ-CP ngày 28/9/2020",
     f"Nghị định số một trăm mười bảy trên {Y2020} trên nờ đê xê pê ngày hai mươi tám tháng chín năm {Y2020}."),
    ("Chỉ thị số 15/CT-TTg ngày 27/3/2020 của Thủ tướng Chính phủ",
     f"Chỉ thị số mười lăm trên xê tê tê tê gờ ngày hai mươi bảy tháng ba năm {Y2020} của Thủ tướng Chính phủ."),
    ("Chỉ thị 16/CT-TTg ngày 31/3/2020",
     f"Chỉ thị mười sáu trên xê tê tê tê gờ ngày ba mươi mốt tháng ba năm {Y2020}."),
    ("Nghị quyết số 86/NQ-CP ngày 06/8/2021 của Chính phủ",
     f"Nghị quyết số tám mươi sáu trên nờ quy xê pê ngày mồng sáu tháng tám năm {Y2021} của Chính phủ."),
    ("Nghị quyết số 30/2021/QH15 Kỳ họp thứ nhất, Quốc hội khóa XV",
     f"Nghị quyết số ba mươi trên {Y2021} trên quy hát mười lăm Kỳ họp thứ nhất, Quốc hội khóa mười lăm."),
    ("Công văn số 6666/BYT-MT ngày 16/8/2021 của Bộ Y tế",
     f"Công văn số sáu nghìn sáu trăm sáu mươi sáu trên bê i tê mờ tê ngày mười sáu tháng tám năm {Y2021} "
     "của Bộ Y tế."),
    ("Công văn số 6833/UBND-KGVX ngày 26/7/2021 của UBND tỉnh",
     f"Công văn số sáu nghìn tám trăm ba mươi ba trên u bê nờ dê ca gờ vê ích ngày hai mươi sáu tháng bảy "
     f"năm {Y2021} của Ủy ban nhân dân tỉnh."),
    ("Công văn số 2624/UBND-KGVX ngày 27/5/2021 của UBND tỉnh",
     f"Công văn số hai nghìn sáu trăm hai mươi tư trên u bê nờ dê ca gờ vê ích ngày hai mươi bảy tháng năm "
     f"năm {Y2021} của Ủy ban nhân dân tỉnh."),
    ("Nghị quyết số 21/NQ-CP, ngày 26/02/2021 của Chính phủ",
     f"Nghị quyết số hai mươi mốt trên nờ quy xê pê, ngày hai mươi sáu tháng hai năm {Y2021} của Chính phủ."),
    ("Quyết định số 3355/QĐ-BYT ngày 08/7/2021 của Bộ Y tế",
     f"Quyết định số ba nghìn ba trăm năm mươi lăm trên quy đê bê i tê ngày mồng tám tháng bảy năm {Y2021} "
     "của Bộ Y tế."),
    ("Kế hoạch số 1063/KH-BYT, ngày 16/7/2021 của Bộ Y tế",
     f"Kế hoạch số một nghìn không trăm sáu mươi ba trên ca hát bê i tê, ngày mười sáu tháng bảy năm {Y2021} "
     "của Bộ Y tế."),
    ("Kế hoạch số 26/KH-KSBT, ngày 22/7/2021 của Trung tâm Kiểm soát bệnh tật tỉnh",
     f"Kế hoạch số hai mươi sáu trên ca hát ca ét bê tê, ngày hai mươi hai tháng bảy năm {Y2021} "
     "của Trung tâm Kiểm soát bệnh tật tỉnh."),
    ("Kế hoạch số 112/KH-UBND ngày 16/11/2026 của UBND xã",
     f"Kế hoạch số một trăm mười hai trên ca hát u bê nờ dê ngày mười sáu tháng mười một năm {Y2026} "
     "của Ủy ban nhân dân xã."),
    ("Nghị quyết số 02-NQ/TU, ngày 04/12/2020 của Ban Chấp hành Đảng bộ tỉnh",
     f"Nghị quyết số hai nờ quy trên tê u, ngày mồng bốn tháng mười hai năm {Y2020} "
     "của Ban Chấp hành Đảng bộ tỉnh."),
    ("Kế hoạch số 48-KH/BTGTW, ngày 21/7/2021 của Ban Tuyên giáo Trung ương",
     f"Kế hoạch số bốn mươi tám ca hát trên bê tê gờ tê vê kép, ngày hai mươi mốt tháng bảy năm {Y2021} "
     "của Ban Tuyên giáo Trung ương."),
    ("Nghị định số 72/2013/NĐ-CP của Chính phủ",
     "Nghị định số bảy mươi hai trên hai nghìn không trăm mười ba trên nờ đê xê pê của Chính phủ."),
    # Dates, date ranges, months.
    ("Lời kêu gọi ngày 29/7/2021 của Tổng Bí thư Nguyễn Phú Trọng",
     f"Lời kêu gọi ngày hai mươi chín tháng bảy năm {Y2021} của Tổng Bí thư Nguyễn Phú Trọng."),
    ("trước ngày 06/9/2021 hoàn thành việc in ấn",
     f"trước ngày mồng sáu tháng chín năm {Y2021} hoàn thành việc in ấn."),
    ("Đăk Lăk, ngày 06 tháng 8 năm 2021", f"Đăk Lăk, ngày mồng sáu tháng tám năm {Y2021}."),
    ("Đắk Nông, ngày          tháng 5 năm 2021", f"Đắk Nông, ngày tháng năm năm {Y2021}."),
    ("Ngày 07 và 08/12 tiêm cho thôn 1, thôn 2, thôn 3",
     "Ngày mồng bảy và ngày mồng tám tháng mười hai tiêm cho thôn một, thôn hai, thôn ba."),
    ("ngày 09 và 10/12 tiêm cho thôn 4 đến thôn 8",
     "ngày mồng chín và ngày mồng mười tháng mười hai tiêm cho thôn bốn đến thôn tám."),
    ("ngày 11/12 tiêm cho các buôn", "ngày mười một tháng mười hai tiêm cho các buôn."),
    ("từ ngày 14/12 đến ngày 18/12 tiêm mũi thứ 3",
     "từ ngày mười bốn tháng mười hai đến ngày mười tám tháng mười hai tiêm mũi thứ ba."),
    ("tổ chức tiêm vắc-xin phòng COVID-19 từ ngày 07/12/2026 đến ngày 18/12/2026",
     f"tổ chức tiêm vắc xin phòng Cô vít mười chín từ ngày mồng bảy tháng mười hai năm {Y2026} "
     f"đến ngày mười tám tháng mười hai năm {Y2026}."),
    ("Thời gian tiêm từ ngày 07/12 đến ngày 18/12/2026",
     f"Thời gian tiêm từ ngày mồng bảy tháng mười hai đến ngày mười tám tháng mười hai năm {Y2026}."),
    ("Kế hoach tiêm vắc-xin phòng COVID-19 năm 2021-2022",
     f"Kế hoach tiêm vắc xin phòng Cô vít mười chín năm {Y2021} đến hai nghìn không trăm hai mươi hai."),
    ("Truyền thông chiến dịch tiêm vắc-xin phòng COVID-19 năm 2021 - 2022",
     f"Truyền thông chiến dịch tiêm vắc xin phòng Cô vít mười chín năm {Y2021} "
     "đến hai nghìn không trăm hai mươi hai."),
    ("Kế hoạch phát triển kinh tế - xã hội 5 năm 2021 - 2025",
     f"Kế hoạch phát triển kinh tế, xã hội năm năm {Y2021} đến hai nghìn không trăm hai mươi lăm."),
    ("đợt 2 năm 2026", f"đợt hai năm {Y2026}."),
    # Times.
    ("sáng từ 7h30, chiều từ 13h30 đến 17h30",
     "sáng từ bảy giờ ba mươi, chiều từ mười ba giờ ba mươi đến mười bảy giờ ba mươi."),
    ("Buổi sáng từ 7h30 đến 11h00, buổi chiều từ 13h30 đến 17h00",
     "Buổi sáng từ bảy giờ ba mươi đến mười một giờ, buổi chiều từ mười ba giờ ba mươi "
     "đến mười bảy giờ."),
    ("gửi về Trạm Y tế xã trước 17h30 ngày 04/12/2026",
     f"gửi về Trạm Y tế xã trước mười bảy giờ ba mươi ngày mồng bốn tháng mười hai năm {Y2026}."),
    # Numbers, ratios, percentages, units, leading zeros.
    ("TTYT huyện phân bổ cho xã 1.500 liều vắc-xin.",
     "Trung tâm Y tế huyện phân bổ cho xã một nghìn năm trăm liều vắc xin."),
    ("Mỗi điểm tiêm được cấp 2,5 kg Cloramin B để khử khuẩn.",
     "Mỗi điểm tiêm được cấp hai phẩy năm ki lô gam Cloramin B để khử khuẩn."),
    ("Mục tiêu 15/15 thôn, buôn tổ chức tiêm", "Mục tiêu mười lăm trên mười lăm thôn, buôn tổ chức tiêm."),
    ("bùng phát trên diện rộng với 15/15 huyện, thị xã, thành phố",
     "bùng phát trên diện rộng với mười lăm trên mười lăm huyện, thị xã, thành phố."),
    ("tỷ lệ người từ 18 tuổi trở lên được tiêm đủ liều đạt trên 95%",
     "tỷ lệ người từ mười tám tuổi trở lên được tiêm đủ liều đạt trên chín mươi lăm phần trăm."),
    ("Đảm bảo 100% cán bộ, công chức, viên chức",
     "Đảm bảo một trăm phần trăm cán bộ, công chức, viên chức."),
    ("có số ca nhiễm tăng nhanh và đã có 07 ca tử vong", "có số ca nhiễm tăng nhanh và đã có bảy ca tử vong."),
    ("trong đó nhấn mạnh 03 mục tiêu", "trong đó nhấn mạnh ba mục tiêu."),
    ("tại Trạm Y tế xã và 02 điểm tiêm lưu động", "tại Trạm Y tế xã và hai điểm tiêm lưu động."),
    ("phương châm 4 tại chỗ", "phương châm bốn tại chỗ."),
    ("Ban Chỉ đạo 35 tỉnh, cấp huyện và tương đương", "Ban Chỉ đạo ba mươi lăm tỉnh, cấp huyện và tương đương."),
    ("trẻ em từ 12 tuổi đến dưới 18 tuổi", "trẻ em từ mười hai tuổi đến dưới mười tám tuổi."),
    ("người từ 50 tuổi trở lên", "người từ năm mươi tuổi trở lên."),
    # Telephone numbers, digit by digit in their groups.
    ("bà con liên hệ Trạm Y tế xã qua số điện thoại 0262 3852 115.",
     "bà con liên hệ Trạm Y tế xã qua số điện thoại không hai sáu hai, ba tám năm hai, một một năm."),
    # Health terms.
    ("những biến chủng mới do virus SARS-CoV2 gây ra", "những biến chủng mới do virus Sát Cô vi hai gây ra."),
    ("các trường hợp dương tính với SARS-CoV-2 trên địa bàn tỉnh",
     "các trường hợp dương tính với Sát Cô vi hai trên địa bàn tỉnh."),
    ("chú trọng thông điệp “5K + vắc-xin”", "chú trọng thông điệp “năm ca cộng vắc xin”."),
    ("chú trọng thông điệp “5K + Vắc xin”", "chú trọng thông điệp “năm ca cộng Vắc xin”."),
    ("đặc biệt là đối tượng F0, F1, F2", "đặc biệt là đối tượng ép không, ép một, ép hai."),
    ("gặp khó khăn do đại dịch COVID - 19 trên địa bàn tỉnh",
     "gặp khó khăn do đại dịch Cô vít mười chín trên địa bàn tỉnh."),
    ("phòng, chống dịch Covid 19", "phòng, chống dịch Cô vít mười chín."),
    ("Tổ COVID-19 cộng đồng ở thôn, buôn.", "Tổ Cô vít mười chín cộng đồng ở thôn, buôn."),
    ("THÔNG ĐIỆP 5K PHÒNG, CHỐNG DỊCH COVID-19", "THÔNG ĐIỆP năm ca PHÒNG, CHỐNG DỊCH Cô vít mười chín."),
    ("các ứng dụng Bluezone, NCOVI, VietNam Health Declaration",
     "các ứng dụng Blu dôn, en Cô vi, VietNam Health Declaration."),
    ("trên mạng xã hội như Facebook, Zalo, YouTube", "trên mạng xã hội như Phây búc, Da lô, Diu túp."),
    # Roman numerals after "lần thứ", "Đại hội", "khóa"; headings.
    ("Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII", "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ mười bảy."),
    ("Nghị quyết Đại hội XIII của Đảng", "Nghị quyết Đại hội mười ba của Đảng."),
    ("Đảng bộ tỉnh lần thứ XI", "Đảng bộ tỉnh lần thứ mười một."),
    ("I. MỤC ĐÍCH, YÊU CẦU", "một. MỤC ĐÍCH, YÊU CẦU."),
    ("II- NỘI DUNG TUYÊN TRUYỀN", "hai, NỘI DUNG TUYÊN TRUYỀN."),
    # Abbreviations of government vocabulary, in the lists that close official letters.
    ("Trung tâm VHTT&TT các huyện, thành phố", "Trung tâm Văn hóa, Thể thao và Truyền thông các huyện, thành phố."),
    ("- Bộ TT&TT (b/c);", "Bộ Thông tin và Truyền thông (báo cáo);"),
    ("- TT. Tỉnh ủy, TT. HĐND tỉnh;", "Thường trực Tỉnh ủy, Thường trực Hội đồng nhân dân tỉnh;"),
    ("- CT, các PCT UBND tỉnh;", "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh;"),
    ("- Các Sở: Y tế, TTTT, VHTTDL;", "Các Sở: Y tế, Thông tin và Truyền thông, Văn hóa, Thể thao và Du lịch;"),
    ("- BCĐ phòng, chống COVID-19 các huyện, TX, TP;",
     "Ban Chỉ đạo phòng, chống Cô vít mười chín các huyện, thị xã, thành phố;"),
    ("- Các thành viên BCĐ phòng, chống COVID-19 tỉnh;",
     "Các thành viên Ban Chỉ đạo phòng, chống Cô vít mười chín tỉnh;"),
    ("- UBMTTQ và các đoàn thể chính trị - xã hội của tỉnh;",
     "Ủy ban Mặt trận Tổ quốc và các đoàn thể chính trị, xã hội của tỉnh;"),
    ("- Đài PT-TH tỉnh;", "Đài Phát thanh Truyền hình tỉnh;"),
    ("- Báo Đăk Lăk, Đài PTTH tỉnh, Cổng TTĐT tỉnh;",
     "Báo Đăk Lăk, Đài Phát thanh Truyền hình tỉnh, Cổng thông tin điện tử tỉnh;"),
    ("- Các đồng chí UVBCH Đảng bộ tỉnh,", "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ tỉnh,"),
    ("Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở", "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu Thủ trưởng các sở."),
    ("V/v tuyên truyền triển khai kết luận của Thủ tướng Chính phủ",
     "về việc tuyên truyền triển khai kết luận của Thủ tướng Chính phủ."),
    ("KT. TRƯỞNG BAN", "ký thay TRƯỞNG BAN."),
    ("T/M BAN THƯỜNG VỤ", "thay mặt BAN THƯỜNG VỤ."),
    ("TM. UBND xã Ea Tu.", "thay mặt Ủy ban nhân dân xã Ea Tu."),
    # Symbols: dashes as pauses, the end mark of a document; capitals of Vietnamese words stay words.
    ("Giám đốc Sở Y tế - Phó Trưởng Ban Chỉ đạo phòng, chống dịch COVID-19 của tỉnh – là người phát ngôn",
     "Giám đốc Sở Y tế, Phó Trưởng Ban Chỉ đạo phòng, chống dịch Cô vít mười chín của tỉnh, là người phát ngôn."),
    ("Độc lập - Tự do - Hạnh phúc", "Độc lập, Tự do, Hạnh phúc."),
    ("thực hiện Chỉ thị này./.", "thực hiện Chỉ thị này."),
    ("Trang thông tin điện tử về dịch bệnh COVID-19 của tỉnh (<https://ncov.daklak.gov.vn>)",
     "Trang thông tin điện tử về dịch bệnh Cô vít mười chín của tỉnh (ncov chấm daklak chấm gov chấm vi en)."),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM."),
    ("Đây là Đài truyền thanh xã Ea Tu, thành phố Buôn Ma Thuột, tỉnh Đắk Lắk.",
     "Đây là Đài truyền thanh xã Ea Tu, thành phố Buôn Ma Thuột, tỉnh Đắk Lắk."),
]


@pytest.mark.parametrize("written, spoken", PHRASES, ids=[w[:40] for w, _ in PHRASES])
def test_real_phrases_are_read_as_an_announcer_says_them(written, spoken):
    assert TextNormaliser().normalise(written) == spoken


def test_there_are_at_least_sixty_real_phrases():
    assert len(PHRASES) >= 60


def test_a_heading_ends_with_a_stop_so_it_is_not_run_into_the_next_sentence():
    text = "THÔNG BÁO\n\nKính thưa bà con nhân dân xã Ea Tu!\nSau đây là chương trình"
    assert TextNormaliser().normalise(text) == ("THÔNG BÁO.\n\nKính thưa bà con nhân dân xã Ea Tu!\n"
                                                "Sau đây là chương trình.")


def test_a_hard_wrapped_sentence_is_not_cut_by_stops():
    text = "Công điện số 1063/CĐ-TTg ngày\n31/7/2021 của Thủ tướng"
    assert TextNormaliser().normalise(text) == ("Công điện số một nghìn không trăm sáu mươi ba trên xê đê tê tê gờ "
                                                f"ngày\nba mươi mốt tháng bảy năm {Y2021} của Thủ tướng.")


@pytest.mark.parametrize("written, spoken", [
    ("từ ngày 07-10/12/2026", f"từ ngày mồng bảy đến mồng mười tháng mười hai năm {Y2026}."),
    ("mồng 1-5/7", "mồng một đến mồng năm tháng bảy."),
    ("tháng 5/2021", f"tháng năm năm {Y2021}."),
    ("hạn 4/2021", f"hạn tháng tư năm {Y2021}."),
    ("1/3 số hộ", "một phần ba số hộ."),
    ("3/4 số thôn", "ba phần tư số thôn."),
    ("lúc 7:00", "lúc bảy giờ."),
    ("lúc 19:45", "lúc mười chín giờ bốn mươi lăm."),
    ("5 giờ 30", "năm giờ ba mươi."),
    ("sốt 38,5°C", "sốt ba mươi tám phẩy năm độ xê."),
    ("cách 3 km", "cách ba ki lô mét."),
    ("tiêm 10 mũi", "tiêm mười mũi."),
    ("hỗ trợ 1.000.000 đồng", "hỗ trợ một triệu đồng."),
    ("0,05%", "không phẩy không năm phần trăm."),
    ("gọi 115", "gọi một một năm."),
    ("gọi đến số 0262 3852 115", "gọi đến số không hai sáu hai, ba tám năm hai, một một năm."),
    ("kêu gọi 100% người dân", "kêu gọi một trăm phần trăm người dân."),
    ("đường dây nóng: 1900 9095", "đường dây nóng: một chín không không, chín không chín năm."),
    ("0912.345.678", "không chín một hai, ba bốn năm, sáu bảy tám."),
    ("lần thứ IV", "lần thứ tư."),
    ("Căn cứ vào mục II của Kế hoạch này", "Căn cứ vào mục hai của Kế hoạch này."),
    ("xem tại https://vtv.vn/xa-hoi/so-hoa-20210709202735902.htm", "xem tại vê tê vê chấm vi en."),
    ("www.moh.gov.vn", "vê kép vê kép vê kép chấm moh chấm gov chấm vi en."),
    ("thứ Hai đến thứ Sáu", "thứ Hai đến thứ Sáu."),
    ("TP. Buôn Ma Thuột", "thành phố Buôn Ma Thuột."),
    ("**Về việc tăng cường**", "Về việc tăng cường."),
])
def test_rules_beyond_the_phrases(written, spoken):
    assert TextNormaliser().normalise(written) == spoken


def test_the_station_dictionary_comes_before_every_rule_and_overrides_built_in_entries():
    normaliser = TextNormaliser({"UBND": "U bê en đê", "Cloramin B": "Clo ra min bê", "68/NQ-CP": "sáu tám"})
    text = "UBND xã cấp 2,5 kg Cloramin B theo Nghị quyết số 68/NQ-CP"
    assert normaliser.normalise(text) == ("U bê en đê xã cấp hai phẩy năm ki lô gam Clo ra min bê "
                                          "theo Nghị quyết số sáu tám.")
    assert TextNormaliser().normalise(text).startswith("Ủy ban nhân dân xã")


def test_dictionary_entries_are_whole_words_and_case_sensitive():
    normaliser = TextNormaliser({"Ea": "Ê a"})
    assert normaliser.normalise("xã Ea Tu, Eakar, EA") == "xã Ê a Tu, Eakar, EA."


def test_a_dictionary_entry_saved_decomposed_still_matches():
    decomposed = unicodedata.normalize("NFD", "Krông Búk")
    assert TextNormaliser({decomposed: "Krông Búc"}).normalise("huyện Krông Búk") == "huyện Krông Búc."


PIECES = st.sampled_from([*"0123456789/.,-–:h%+&°C kmgKFIVXđĐaăUBNDHTQP()“”\n ", "ngày ", "tháng ", "thứ ",
                          "số điện thoại ", "COVID-19", "vắc-xin", "gọi ", "lần thứ ", "https://", ".vn"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_mix_of_digits_and_symbols_is_read_without_failing_and_no_digit_is_left(text):
    assert not any(c.isdigit() for c in TextNormaliser().normalise(text))


def test_the_key_changes_with_the_dictionary_and_not_with_its_order():
    assert TextNormaliser({"a": "b", "c": "d"}).key() == TextNormaliser({"c": "d", "a": "b"}).key()
    assert TextNormaliser({"a": "b"}).key() != TextNormaliser({"a": "e"}).key() != TextNormaliser().key()
    assert TextNormaliser().key().startswith("vi-")


@pytest.mark.parametrize("letters, spoken", [("TTg", "tê tê gờ"), ("QH15", "quy hát mười lăm"),
                                             ("HĐND", "hát đê nờ dê"), ("W", "vê kép")])
def test_spell(letters, spoken):
    assert spell(letters) == spoken


@pytest.mark.parametrize("numeral, value", [("I", 1), ("IV", 4), ("IX", 9), ("XIII", 13), ("XVII", 17), ("XL", 40),
                                            ("XV", 15), ("IIII", None), ("VX", None), ("", None)])
def test_roman_value(numeral, value):
    assert roman_value(numeral) == value


@pytest.mark.parametrize("word, syllable", [("THÔNG", True), ("NGHĨA", True), ("TRUYỀN", True), ("QUỐC", True),
                                            ("GIƯỜNG", True), ("Y", True), ("UBND", False), ("KGVX", False),
                                            ("TTBCXB", False), ("NCOVI", False)])
def test_is_syllable(word, syllable):
    assert is_syllable(word) is syllable
