"""The registry of document types: code, title, the letter it belongs to, its shape, and what each variable means."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Mapping

from sqlalchemy.orm import Session

from admin_app.documents.casefile import CaseFile, Context, load_case_file
from admin_app.documents.shapes import (
    shape_formulir_asesmen_risiko,
    shape_formulir_identifikasi,
    shape_formulir_pengaduan,
    shape_formulir_persetujuan,
    shape_instruksi_tindak_lanjut,
    shape_laporan_kasus,
    shape_laporan_permohonan_instruksi,
    shape_surat_pelimpahan,
    shape_surat_rujukan,
    shape_surat_tugas,
)
from admin_app.models import (
    AssignmentLetter,
    Case,
    Letter,
    ReferralLetter,
    TransferLetter,
)

# --- What each variable means (shown to staff; a test checks it matches the shapes' output) ---------------------

_COMMON_VARS = {
    "kop_pemerintah": "Kop surat baris 1 (pengaturan kop.pemerintah), mis. PEMERINTAH KOTA TANGERANG",
    "kop_dinas": "Kop surat baris 2: nama dinas (pengaturan kop.dinas)",
    "kop_unit": "Kop surat baris 3: nama unit (pengaturan kop.unit)",
    "kop_alamat": "Alamat kantor dan kode pos pada kop surat (pengaturan alamat dan kode pos kop surat)",
    "kop_kontak": "Telepon dan pos-el kantor pada kop surat (pengaturan telepon dan pos-el kop surat); kosong bila "
                  "keduanya tidak diisi",
    "tempat": "Tempat penandatanganan (pengaturan surat.tempat), mis. Tangerang",
    "jabatan_kepala": "Jabatan kepala unit, mis. Kepala UPTD PPA Kota Tangerang",
    "nomor_kasus": "Nomor registrasi kasus, mis. PJK-2025-0001",
    "tanggal_cetak": "Tanggal dokumen dibuat, mis. 1 Agustus 2025",
}
_SIGNER_VARS = {
    "ttd_kapasitas": "a.n., Plt. atau Plh. bila penandatangan mewakili kepala; kosong bila tidak",
    "ttd_jabatan": "Baris jabatan di atas tanda tangan, mis. Kepala UPTD PPA Kota Tangerang, (atau a.n. ...)",
    "ttd_jabatan_2": "Baris jabatan kedua, hanya terisi untuk a.n. (jabatan penandatangan); kosong bila tidak",
    "ttd_nama": "Nama lengkap penandatangan dengan gelar",
    "ttd_pangkat": "Pangkat/golongan penandatangan, mis. Pembina (IV/a)",
    "ttd_nip": "NIP penandatangan, mis. 19720514 199803 2 004",
}
_LETTER_VARS = {
    "nomor_surat": "Nomor surat, mis. 800.1.11.1/001/ST/UPTD-PPA/VIII/2025",
    "tanggal_surat": "Tanggal surat, mis. 1 Agustus 2025",
    "surat_dibatalkan": "Ya/tidak: surat ini sudah dibatalkan (nomornya tetap, diberi tanda)",
    "alasan_pembatalan": "Alasan pembatalan surat; kosong bila surat tidak dibatalkan",
    **_SIGNER_VARS,
}
_OFFICER_VARS = {
    "petugas_nama": "Nama petugas layanan yang mengisi",
    "petugas_nip": "NIP petugas (tanda - bila non-PNS)",
    "petugas_jabatan": "Jabatan petugas",
}
_INCIDENT_VARS = {
    "tanggal_kejadian": "Tanggal kejadian",
    "tempat_kejadian": "Tempat kejadian (kategori Simfoni), mis. Rumah Tangga",
    "wilayah_kejadian": "Kelurahan, kecamatan dan kota tempat kejadian",
    "alamat_kejadian": "Alamat kejadian (jalan, RT/RW)",
    "kdrt": "Ya/Tidak: kekerasan dalam rumah tangga",
    "bentuk_kekerasan": "Bentuk kekerasan, dipisah koma, mis. Fisik, Psikis",
}
_VICTIM_VARS = {
    "korban": "Daftar korban, nama lengkap (baris tabel berulang: {%tr for k in korban %})",
    "korban.no": "Nomor urut",
    "korban.nama": "Nama lengkap",
    "korban.alias": "Nama panggilan; kosong bila tidak ada",
    "korban.jenis_kelamin": "Perempuan / Laki-laki",
    "korban.umur": "Umur saat kejadian, mis. 14 tahun",
    "korban.tempat_tanggal_lahir": "Tempat, tanggal lahir",
    "korban.nik": "NIK",
    "korban.no_kk": "Nomor Kartu Keluarga",
    "korban.alamat": "Alamat lengkap",
    "korban.telepon": "Nomor telepon",
    "korban.agama": "Agama",
    "korban.pendidikan": "Pendidikan",
    "korban.pekerjaan": "Pekerjaan",
    "korban.status_perkawinan": "Status perkawinan",
    "korban.kewarganegaraan": "WNI / WNA",
    "korban.disabilitas": "Tidak, atau jenis disabilitas",
    "korban.hamil": "Ya/Tidak: sedang hamil",
}
_PERPETRATOR_VARS = {
    "pelaku": "Daftar terlapor/pelaku (baris tabel berulang: {%tr for p in pelaku %})",
    "pelaku.no": "Nomor urut",
    "pelaku.nama": "Nama lengkap",
    "pelaku.jenis_kelamin": "Perempuan / Laki-laki",
    "pelaku.umur": "Umur saat kejadian",
    "pelaku.hubungan": "Hubungan dengan korban",
    "pelaku.tinggal_serumah": "Ya/Tidak: tinggal serumah dengan korban",
    "pelaku.pekerjaan": "Pekerjaan",
    "pelaku.alamat": "Alamat",
}
_PLAN_VARS = {
    "rencana": "Baris rencana intervensi layanan (baris tabel berulang: {%tr for r in rencana %})",
    "rencana.no": "Nomor urut",
    "rencana.layanan": "Jenis layanan",
    "rencana.pelaksana": "Lembaga pelaksana",
    "rencana.penanggung_jawab": "Petugas penanggung jawab",
    "rencana.target": "Target tanggal",
    "rencana.status": "Status: Direncanakan, Berjalan, Selesai, Batal",
    "rencana.catatan": "Catatan",
}
_SIMFONI_VARS = {
    "nomor_simfoni": "Nomor registrasi kasus di Simfoni PPA",
    "tanggal_input_simfoni": "Tanggal input ke Simfoni PPA",
}
_EXTERNAL_LETTER_VARS = {
    "sifat": "Sifat surat: Segera / Rahasia / Biasa",
    "lampiran": "Lampiran, mis. 1 (satu) berkas",
    "hal": "Hal (perihal) surat",
    "kepada": "Penerima surat (setelah Yth.)",
    "alamat_tujuan": "Alamat lengkap penerima; Tempat bila tidak diisi",
    "di": "Kota penerima setelah \"di\" (bagian terakhir alamat penerima); Tempat bila alamat tidak diisi",
    "penerima_manfaat": "Penerima manfaat dengan inisial (baris tabel berulang: {%tr for k in penerima_manfaat %})",
    "penerima_manfaat.no": "Nomor urut",
    "penerima_manfaat.inisial": "Inisial nama, mis. R.A.",
    "penerima_manfaat.umur": "Umur, mis. 14 tahun",
    "penerima_manfaat.jenis_kelamin": "Perempuan / Laki-laki",
    "korban_inisial": "Korban dalam satu kalimat, inisial saja, mis. R.A. (14 tahun, perempuan)",
    "bentuk_kekerasan": "Bentuk kekerasan, dipisah koma",
    "kronologi": "Kronologi singkat untuk penerima, seperti diisi kepala saat menerbitkan (nama diganti inisial)",
    "layanan_diberikan": "Layanan yang sudah diberikan",
    "kondisi_terkini": "Kondisi penerima manfaat saat ini",
    "tujuan": "Tujuan rujukan / maksud pelimpahan",
    "dokumen_diserahkan": "Dokumen yang diserahkan bersama surat",
    "narahubung": "Narahubung (nama dan nomor telepon)",
    "tembusan": "Tembusan (baris tabel berulang: {%tr for t in tembusan %})",
    "tembusan.no": "Nomor urut",
    "tembusan.teks": "Penerima tembusan",
}


def _rows_vars(name: str, description: str, columns: Mapping[str, str]) -> dict[str, str]:
    return {name: description, **{f"{name}.{col}": text for col, text in columns.items()}}


@dataclass(frozen=True)
class DocumentType:
    code: str
    title: str  # Indonesian, as staff read it
    letter_class: type[Letter] | None  # a letter needs its issued Letter row (number, signer)
    shape: Callable[[CaseFile, dt.datetime], Context]
    variables: Mapping[str, str]  # name -> description; list columns as `list.column`
    # Printed to be signed on paper: the signed scan is uploaded to the generated document (documents/scans.py).
    signed_on_paper: bool = False

    @property
    def is_letter(self) -> bool:
        return self.letter_class is not None

    def build(self, session: Session, case: Case, *, letter: Letter | None = None, now: dt.datetime) -> Context:
        """The context of this document for `case` (and its `letter`, for letters), as it is in the database now."""
        if self.is_letter and letter is None:
            raise ValueError(f"{self.title} hanya dapat dibuat dari surat yang sudah diterbitkan (bernomor).")
        return self.shape(load_case_file(session, case, letter if self.is_letter else None), now)


_TYPES = (
    DocumentType(
        "surat_tugas", "Surat Tugas Penjangkauan Korban", AssignmentLetter, shape_surat_tugas,
        {
            **_COMMON_VARS, **_LETTER_VARS,
            **_rows_vars("dasar", "Dasar surat tugas (baris tabel berulang: {%tr for d in dasar %})",
                         {"no": "Nomor urut", "teks": "Bunyi dasar hukum"}),
            **_rows_vars("anggota", "Petugas yang ditugaskan (baris tabel berulang: {%tr for a in anggota %})",
                         {"no": "Nomor urut", "nama": "Nama lengkap dengan gelar", "pangkat": "Pangkat/golongan",
                          "nip": "NIP, mis. 19860926 201505 2 001", "jabatan": "Jabatan"}),
            **_rows_vars("untuk", "Tugas yang diberikan (baris tabel berulang: {%tr for u in untuk %})",
                         {"no": "Nomor urut", "teks": "Bunyi tugas (korban disebut dengan inisial)"}),
            "korban_inisial": "Korban dengan inisial, umur dan jenis kelamin, mis. R.A. (14 tahun, perempuan)",
            "lokasi_penjangkauan": "Kelurahan dan kecamatan lokasi penjangkauan",
            "tanggal_penjangkauan": "Hari dan tanggal penjangkauan, mis. Jumat, 1 Agustus 2025",
            "masa_tugas": "Masa tugas, mis. Jumat, 1 Agustus 2025 sampai dengan Senin, 4 Agustus 2025",
        },
        signed_on_paper=True,
    ),
    DocumentType(
        "formulir_pengaduan", "Formulir Pengaduan", None, shape_formulir_pengaduan,
        {
            **_COMMON_VARS, **_INCIDENT_VARS, **_OFFICER_VARS, **_VICTIM_VARS, **_PERPETRATOR_VARS,
            "tanggal_pengaduan": "Tanggal pengaduan",
            "tanggal_diterima": "Hari dan tanggal informasi diterima",
            "jam_diterima": "Jam informasi diterima, mis. 08.15 WIB",
            "kanal_pengaduan": "Sumber informasi / kanal pengaduan, mis. Telepon SAPA 129",
            "urgensi": "Tingkat urgensi: Biasa, Segera, Darurat",
            **_rows_vars("pelapor", "Daftar pelapor (baris tabel berulang: {%tr for p in pelapor %})",
                         {"no": "Nomor urut", "nama": "Nama lengkap", "hubungan": "Hubungan dengan korban",
                          "instansi": "Instansi, bila pelapor lembaga", "telepon": "Nomor telepon",
                          "alamat": "Alamat"}),
            "layanan_dibutuhkan": "Layanan yang dibutuhkan, dipisah koma",
            "pelapor_ttd": "Nama pelapor pertama di bawah tanda tangan pelapor; titik-titik bila tidak tercatat",
            "ringkasan": "Ringkasan informasi kasus sebagaimana diterima",
            "apa": "Kronologi: apa yang terjadi",
            "siapa": "Kronologi: siapa yang terlibat",
            "kapan": "Kronologi: kapan terjadi",
            "dimana": "Kronologi: di mana terjadi",
            "mengapa": "Kronologi: mengapa terjadi",
            "bagaimana": "Kronologi: bagaimana terjadi",
            "harapan": "Harapan korban/pelapor",
        },
    ),
    DocumentType(
        "formulir_identifikasi", "Formulir Identifikasi Penerima Manfaat KTP/KTA", None, shape_formulir_identifikasi,
        {
            **_COMMON_VARS, **_INCIDENT_VARS, **_OFFICER_VARS, **_VICTIM_VARS, **_PERPETRATOR_VARS,
            "tanggal_identifikasi": "Tanggal identifikasi selesai",
            **_rows_vars("identifikasi", "Hasil identifikasi per korban (baris tabel berulang)",
                         {"no": "Nomor urut", "nama": "Nama korban", "umur": "Umur saat kejadian",
                          "jenis_kasus": "KTP (terhadap perempuan) / KTA (terhadap anak)",
                          "tppo": "Ya/Tidak: tindak pidana perdagangan orang",
                          "ampk": "Kategori anak memerlukan perlindungan khusus (AMPK)",
                          "kewenangan": "Kewenangan: Kota, Provinsi atau Pusat",
                          "kewenangan_tujuan": "Lembaga yang berwenang bila bukan UPTD PPA Kota",
                          "kebutuhan_disabilitas": "Penyesuaian layanan bagi korban penyandang disabilitas",
                          "catatan": "Catatan"}),
        },
    ),
    DocumentType(
        "formulir_asesmen_risiko", "Formulir Asesmen Risiko", None, shape_formulir_asesmen_risiko,
        {
            **_COMMON_VARS, **_OFFICER_VARS, **_VICTIM_VARS,
            "tanggal_asesmen": "Tanggal asesmen risiko selesai",
            "ambang_tinggi": "Skor minimal risiko tinggi (pengaturan)",
            "ambang_sedang": "Skor minimal risiko sedang (pengaturan)",
            "tingkat_risiko": "Tingkat risiko tertinggi di antara korban: Tinggi, Sedang, Rendah",
            **_rows_vars("indikator", "Jawaban indikator risiko (baris tabel berulang: {%tr for i in indikator %})",
                         {"no": "Nomor urut", "korban": "Nama korban", "indikator": "Indikator risiko",
                          "ada": "Ya/Tidak: indikator ditemukan", "bobot": "Bobot indikator", "catatan": "Catatan"}),
            **_rows_vars("hasil", "Hasil asesmen per korban (baris tabel berulang: {%tr for h in hasil %})",
                         {"no": "Nomor urut", "nama": "Nama korban", "skor": "Jumlah bobot",
                          "tingkat_hitung": "Tingkat risiko menurut skor", "tingkat_akhir": "Tingkat risiko akhir",
                          "alasan_perubahan": "Alasan bila tingkat akhir berbeda", "catatan": "Catatan"}),
        },
    ),
    DocumentType(
        "formulir_persetujuan", "Formulir Persetujuan Layanan (Informed Consent)", None, shape_formulir_persetujuan,
        {
            **_COMMON_VARS, **_OFFICER_VARS, **_PLAN_VARS,
            **_rows_vars("persetujuan", "Pernyataan persetujuan, satu per penerima manfaat dan tujuan (berulang)",
                         {"no": "Nomor urut", "penerima_manfaat": "Nama lengkap penerima manfaat",
                          "untuk_rencana": "Ya/tidak: persetujuan atas rencana intervensi (rencananya dicetak)",
                          "umur": "Umur", "jenis_kelamin": "Jenis kelamin",
                          "tujuan": "Persetujuan layanan / persetujuan rencana intervensi layanan",
                          "yang_menyatakan": "Nama yang menandatangani persetujuan",
                          "hubungan": "Hubungan yang menyatakan dengan penerima manfaat",
                          "sebagai_wali": "Ya/Tidak: ditandatangani orang tua/wali",
                          "setuju_layanan": "Ya/Tidak: setuju menerima layanan",
                          "setuju_berbagi_data": "Ya/Tidak: setuju data dibagikan kepada lembaga rujukan",
                          "lembaga_berbagi_data": "Lembaga yang boleh menerima data",
                          "setuju_simfoni": "Ya/Tidak: setuju dicatat di Simfoni PPA",
                          "keputusan": "SETUJU / MENOLAK", "tanggal": "Tanggal pernyataan",
                          "tempat": "Tempat pernyataan", "saksi": "Nama saksi", "catatan": "Catatan",
                          "petugas": "Petugas yang menjelaskan"}),
        },
        signed_on_paper=True,
    ),
    DocumentType(
        "laporan_kasus", "Laporan Kasus (Asesmen Biopsikososial dan Rencana Intervensi)", None, shape_laporan_kasus,
        {
            **_COMMON_VARS, **_INCIDENT_VARS, **_SIMFONI_VARS, **_OFFICER_VARS, **_VICTIM_VARS,
            **_PERPETRATOR_VARS, **_PLAN_VARS,
            "ringkasan": "Ringkasan kasus",
            "tingkat_risiko": "Tingkat risiko tertinggi: Tinggi, Sedang, Rendah",
            "tanggal_asesmen": "Tanggal asesmen biopsikososial",
            "kondisi_fisik": "Asesmen: kondisi fisik dan kesehatan",
            "kondisi_psikologis": "Asesmen: kondisi psikologis",
            "kondisi_sosial": "Asesmen: kondisi keluarga dan sosial",
            "kondisi_ekonomi": "Asesmen: kondisi ekonomi",
            "kebutuhan_hukum": "Asesmen: kebutuhan hukum",
            "kesimpulan_asesmen": "Kesimpulan asesmen",
            "rencana_tujuan": "Tujuan rencana intervensi",
            "rencana_catatan": "Catatan rencana intervensi",
            "tanggal_laporan_kasus": "Tanggal laporan: tanggal asesmen biopsikososial (tidak berubah saat dicetak ulang)",
            "penjangkauan_sumber_verifikasi": "Penjangkauan: sumber verifikasi data korban, mis. Kelurahan, RT/RW",
            "penjangkauan_verifikasi": "Penjangkauan: catatan verifikasi data",
            "penjangkauan_alamat": "Penjangkauan: alamat korban yang ditelusuri",
            "penjangkauan_waktu": "Penjangkauan: waktu berangkat, tiba dan kembali",
            "penjangkauan_tim": "Penjangkauan: tim yang hadir",
            "penjangkauan_pendamping": "Penjangkauan: pihak yang mendampingi, mis. Unit PPA Polres",
            "penjangkauan_penyelamatan": "Penjangkauan: tindakan penyelamatan",
            "penjangkauan_pengamanan": "Penjangkauan: tindakan pengamanan korban",
            "penjangkauan_dukungan_awal": "Penjangkauan: dukungan psikososial awal",
        },
    ),
    DocumentType(
        "laporan_permohonan_instruksi", "Laporan dan Permohonan Instruksi Tindak Lanjut Layanan", None,
        shape_laporan_permohonan_instruksi,
        {
            **_COMMON_VARS, **_SIMFONI_VARS, **_OFFICER_VARS, **_VICTIM_VARS, **_PLAN_VARS,
            "tanggal_laporan": "Tanggal laporan disampaikan",
            "nomor_surat": "Nomor laporan, mis. 400.10.2/001/LAP/UPTD-PPA/VIII/2025",
            "dari": "Petugas yang melapor, dengan jabatannya bila ada",
            "bentuk_kekerasan": "Bentuk kekerasan, dipisah koma",
            "tingkat_risiko": "Tingkat risiko tertinggi: Tinggi, Sedang, Rendah",
            "laporan": "Laporan petugas atas penjangkauan",
            "permohonan": "Instruksi yang dimohonkan",
            "persetujuan_rencana": "Keterangan persetujuan rencana intervensi",
        },
    ),
    DocumentType(
        "instruksi_tindak_lanjut", "Instruksi Tindak Lanjut Layanan", None, shape_instruksi_tindak_lanjut,
        {
            **_COMMON_VARS, **_SIGNER_VARS, **_VICTIM_VARS,
            "tanggal_instruksi": "Tanggal instruksi diberikan",
            "nomor_surat": "Nomor instruksi, mis. 400.10.2/001/INS/UPTD-PPA/VIII/2025",
            "kepada": "Petugas yang menerima instruksi, dengan jabatannya bila ada",
            "kepada_nama": "Petugas yang menerima instruksi",
            "kepada_jabatan": "Jabatan petugas yang menerima instruksi",
            "tingkat_risiko": "Tingkat risiko tertinggi: Tinggi, Sedang, Rendah",
            "laporan": "Laporan petugas yang menjadi dasar instruksi",
            "instruksi": "Bunyi instruksi kepala",
            **_rows_vars("tindak_lanjut", "Tindak lanjut yang diputuskan (baris tabel berulang)",
                         {"no": "Nomor urut", "jenis": "Jenis tindak lanjut",
                          "keterangan": "Nomor surat rujukan/pelimpahan atau alasan penutupan"}),
        },
        signed_on_paper=True,
    ),
    DocumentType(
        "surat_rujukan", "Surat Rujukan Layanan Kedaruratan", ReferralLetter, shape_surat_rujukan,
        {**_COMMON_VARS, **_LETTER_VARS, **_EXTERNAL_LETTER_VARS},
        signed_on_paper=True,
    ),
    DocumentType(
        "surat_pelimpahan", "Surat Pelimpahan Kasus", TransferLetter, shape_surat_pelimpahan,
        {
            **_COMMON_VARS, **_LETTER_VARS, **_EXTERNAL_LETTER_VARS,
            "kewenangan": "Pihak yang berwenang menangani kasus, mis. UPTD PPA Provinsi Banten",
            "dasar_pelimpahan": "Dasar pelimpahan kasus",
        },
        signed_on_paper=True,
    ),
)

DOCUMENT_TYPES: dict[str, DocumentType] = {t.code: t for t in _TYPES}


def build_context(doc_type: str, session: Session, case: Case, *, letter: Letter | None = None,
                  now: dt.datetime) -> Context:
    return DOCUMENT_TYPES[doc_type].build(session, case, letter=letter, now=now)


def flatten_names(context: Mapping[str, object]) -> set[str]:
    """Variable names of a context: top-level keys, plus `list.column` for each column of a list of rows."""
    names: set[str] = set()
    for key, value in context.items():
        names.add(key)
        if isinstance(value, list):
            names |= {f"{key}.{col}" for row in value for col in row}
    return names
