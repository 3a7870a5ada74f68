from django.urls import path

from cases import placement_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cases/new/", views.case_open, name="open"),
    path("fair-access/", views.fair_access_dashboard, name="fair_access_dashboard"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/pupil/", views.pupil_edit, name="pupil_edit"),
    path("cases/<int:pk>/carers/add/", views.carer_add, name="carer_add"),
    path("cases/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path(
        "cases/<int:pk>/interventions/add/",
        views.intervention_add,
        name="intervention_add",
    ),
    path("cases/<int:pk>/provision-plan/", views.provision_plan, name="provision_plan"),
    path(
        "cases/<int:pk>/provision-plan/file/",
        views.provision_plan_file,
        name="provision_plan_file",
    ),
    path("cases/<int:pk>/pathway/", views.pathway, name="pathway"),
    path("cases/<int:pk>/close/", views.close, name="close"),
    path("cases/<int:pk>/approaches/add/", views.approach_add, name="approach_add"),
    path(
        "cases/<int:pk>/approaches/<int:approach_pk>/answer/",
        views.approach_answer,
        name="approach_answer",
    ),
    path("cases/<int:pk>/consents/add/", views.consent_add, name="consent_add"),
    path("cases/<int:pk>/safeguarding/", views.safeguarding, name="safeguarding"),
    path(
        "cases/<int:pk>/safer-recruitment/",
        views.safer_recruitment,
        name="safer_recruitment",
    ),
    path("cases/<int:pk>/contacts/home/", views.home_contact, name="home_contact"),
    path(
        "cases/<int:pk>/contacts/receiving/",
        views.receiving_contact,
        name="receiving_contact",
    ),
    path("cases/<int:pk>/tour/", views.tour, name="tour"),
    path("cases/<int:pk>/signatures/add/", views.signature_add, name="signature_add"),
    path(
        "cases/<int:pk>/signatures/<int:signature_pk>/scan/",
        views.signature_scan,
        name="signature_scan",
    ),
    path("cases/<int:pk>/start/", views.start, name="start"),
    path(
        "cases/<int:pk>/contacts/add/", placement_views.contact_add, name="contact_add"
    ),
    path(
        "cases/<int:pk>/absences/add/", placement_views.absence_add, name="absence_add"
    ),
    path(
        "cases/<int:pk>/reviews/record/",
        placement_views.review_record,
        name="review_record",
    ),
    path(
        "cases/<int:pk>/extension/request/",
        placement_views.extension_request,
        name="extension_request",
    ),
    path(
        "cases/<int:pk>/extension/answer/",
        placement_views.extension_answer,
        name="extension_answer",
    ),
    path("cases/<int:pk>/end/", placement_views.end_early, name="end_early"),
    path(
        "cases/<int:pk>/outcome/sent/",
        placement_views.outcome_sent,
        name="outcome_sent",
    ),
    path(
        "cases/<int:pk>/outcome/received/",
        placement_views.outcome_received,
        name="outcome_received",
    ),
    path(
        "cases/<int:pk>/agreement/received/",
        placement_views.agreement_received,
        name="agreement_received",
    ),
    path(
        "cases/<int:pk>/reintegration/",
        placement_views.reintegration_plan,
        name="reintegration_plan",
    ),
    path(
        "cases/<int:pk>/managed-move/offer/",
        placement_views.managed_move_offer,
        name="managed_move_offer",
    ),
    path(
        "cases/<int:pk>/managed-move/signatures/add/",
        placement_views.managed_move_signature_add,
        name="managed_move_signature_add",
    ),
    path(
        "cases/<int:pk>/managed-move/complete/",
        placement_views.managed_move_complete,
        name="managed_move_complete",
    ),
    path(
        "cases/<int:pk>/managed-move/cme/home/",
        placement_views.cme_home,
        name="cme_home",
    ),
    path(
        "cases/<int:pk>/managed-move/cme/receiving/",
        placement_views.cme_receiving,
        name="cme_receiving",
    ),
    path(
        "cases/<int:pk>/managed-move/roll-deletion/",
        placement_views.roll_deletion,
        name="roll_deletion",
    ),
    path(
        "cases/<int:pk>/cp-file/sent/",
        placement_views.cp_file_sent,
        name="cp_file_sent",
    ),
    path(
        "cases/<int:pk>/cp-file/received/",
        placement_views.cp_file_received,
        name="cp_file_received",
    ),
    path(
        "cases/<int:pk>/disputes/raise/",
        placement_views.dispute_raise,
        name="dispute_raise",
    ),
    path(
        "cases/<int:pk>/disputes/<int:dispute_pk>/mediation/",
        placement_views.dispute_mediation,
        name="dispute_mediation",
    ),
    path(
        "cases/<int:pk>/disputes/<int:dispute_pk>/panel/",
        placement_views.dispute_panel,
        name="dispute_panel",
    ),
]
