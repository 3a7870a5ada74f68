from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cases/new/", views.case_open, name="open"),
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
    path("cases/<int:pk>/transport-need/", views.transport_need, name="transport_need"),
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
]
